// npm run demo: plays the scripted day (test/demo/day.ts) and exits. With `--open` it stays up after the day and prints
// the addresses a person opens in a browser: a deal card and a lead card with the app's tab framed, and the app's page.
import { addresses, playDay } from './day.js'

async function main(): Promise<void> {
  const open = process.argv.slice(2).includes('--open')
  const day = await playDay()
  if (!open) return day.close()
  const at = addresses(day)
  console.log('\nДемо остаётся запущенным: откройте в браузере')
  console.log(`  сделка #${day.deal} «Гранит: серверная стойка» со вкладкой «Правила» — глазами Дмитрия Соколова, руководителя (можно снять нарушение с причиной):`)
  console.log(`    ${at.deal}`)
  console.log(`  лид #${day.webLead} «Заявка с сайта» со вкладкой «Правила» — глазами Анны Морозовой:`)
  console.log(`    ${at.lead}`)
  console.log('  страница приложения, панель руководителя — глазами Дмитрия Соколова:')
  console.log(`    ${at.dashboard}`)
  console.log('  страница приложения глазами администратора Алексея Смирнова (панель и кнопка «Открыть настройки»):')
  console.log(`    ${at.admin}`)
  console.log('Остановить: Ctrl+C')
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
  })
  console.log('\nОстанавливаю приложение и портал…')
  await day.close()
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error)
    process.exit(1)
  },
)
