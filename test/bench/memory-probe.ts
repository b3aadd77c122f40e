// Preloaded into the app's process by `npm run bench`: answers a 'memory' message on the IPC channel with process.memoryUsage().
if (process.send) {
  process.on('message', (message) => {
    if (message === 'memory') process.send?.({ memory: process.memoryUsage() })
  })
  // The probe must not keep the app alive on its own.
  process.channel?.unref()
}
