// The store port's named operations on SQLite: several writes that land together, each one transaction.
import type { Db } from './db.js'
import type { OfflineMode } from './offline-queues.js'
import type { PortalInstall } from './portals.js'
import type { DirectoryRead, JournalLine, StoreOperations, StoreRepositories } from './port.js'
import type { SyncStore } from './index.js'
import { settled } from './settled.js'

type NamedOperations = Pick<StoreOperations, 'installPortal' | 'uninstallPortal' | 'setOfflineMode' | 'saveSettings' | 'replaceDirectory'>

/** The install, uninstall, offline set-up, settings and directory writes, each with its journal line in one transaction. */
export function namedOperations(db: Db, repos: StoreRepositories, sync: SyncStore): NamedOperations {
  return {
    installPortal: settled(db.transaction((install: PortalInstall, line: JournalLine) => {
      repos.portals.install(install)
      repos.journal.append(install.memberId, line.kind, line.detail)
    })),
    uninstallPortal: settled(db.transaction((memberId: string, clean: boolean) => {
      if (clean) sync.deletePortalData(memberId)
      else repos.portals.revoke(memberId, 'uninstalled by the portal')
      repos.journal.append(memberId, 'app.uninstalled', { clean })
    })),
    setOfflineMode: settled(db.transaction((memberId: string, mode: OfflineMode, authConnector: string | null, line: JournalLine | undefined) => {
      repos.offlineQueues.setMode(memberId, mode, authConnector)
      if (line) repos.journal.append(memberId, line.kind, line.detail)
    })),
    saveSettings: settled(db.transaction((memberId: string, overrides: Record<string, unknown>, userId: string) => {
      const before = repos.portalSettings.get(memberId)?.overrides ?? {}
      repos.portalSettings.save(memberId, overrides, userId)
      repos.journal.append(memberId, 'settings.changed', { userId, before, after: overrides })
    })),
    replaceDirectory: settled(db.transaction((memberId: string, read: DirectoryRead) => {
      repos.directory.replace(memberId, read.users, read.departments, read.at)
      repos.directory.replaceLeadStatuses(memberId, read.leadStatuses)
      repos.directory.replaceCrmNames(memberId, read.crmNames)
      repos.journal.append(memberId, 'directory.refreshed', { users: read.users.length, departments: read.departments.length, leadStatuses: read.leadStatuses.length })
    })),
  }
}
