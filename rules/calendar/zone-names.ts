// Time zones as people name them: by their cities, west to east (the settings page's list, the robots' answers).

/** Russian and neighbouring cities by time zone, west to east. */
export const ZONES: ReadonlyArray<readonly [string, string, string]> = [
  ['Europe/Kaliningrad', 'Калининград (МСК−1)', 'Kaliningrad (UTC+2)'], ['Europe/Moscow', 'Москва, Санкт-Петербург (МСК)', 'Moscow, Saint Petersburg (UTC+3)'],
  ['Europe/Volgograd', 'Волгоград (МСК)', 'Volgograd (UTC+3)'], ['Europe/Samara', 'Самара, Ижевск (МСК+1)', 'Samara, Izhevsk (UTC+4)'],
  ['Asia/Yekaterinburg', 'Екатеринбург, Пермь, Тюмень (МСК+2)', 'Yekaterinburg, Perm (UTC+5)'], ['Asia/Omsk', 'Омск (МСК+3)', 'Omsk (UTC+6)'],
  ['Asia/Novosibirsk', 'Новосибирск (МСК+4)', 'Novosibirsk (UTC+7)'], ['Asia/Krasnoyarsk', 'Красноярск, Кемерово (МСК+4)', 'Krasnoyarsk (UTC+7)'],
  ['Asia/Irkutsk', 'Иркутск, Улан-Удэ (МСК+5)', 'Irkutsk (UTC+8)'], ['Asia/Yakutsk', 'Якутск, Чита (МСК+6)', 'Yakutsk, Chita (UTC+9)'],
  ['Asia/Vladivostok', 'Владивосток, Хабаровск (МСК+7)', 'Vladivostok, Khabarovsk (UTC+10)'], ['Asia/Magadan', 'Магадан, Сахалин (МСК+8)', 'Magadan (UTC+11)'],
  ['Asia/Kamchatka', 'Петропавловск-Камчатский (МСК+9)', 'Petropavlovsk-Kamchatsky (UTC+12)'], ['Europe/Minsk', 'Минск (МСК)', 'Minsk (UTC+3)'],
  ['Asia/Almaty', 'Алматы (МСК+2)', 'Almaty (UTC+5)'], ['Asia/Tashkent', 'Ташкент (МСК+2)', 'Tashkent (UTC+5)'], ['Europe/Kyiv', 'Киев (МСК−1)', 'Kyiv (UTC+2)'],
]

/** A time zone by its cities («Москва, Санкт-Петербург (МСК)»); one not in the list by its own city («Asia/Bishkek» → «Bishkek»). */
export function zoneName(zone: string, lang: 'ru' | 'en'): string {
  const known = ZONES.find(([id]) => id === zone)
  if (known) return lang === 'ru' ? known[1] : known[2]
  return zone.replace(/^.*\//, '').replace(/_/g, ' ')
}
