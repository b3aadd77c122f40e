// The table of every REST method the fake portal implements, by lower-case name.
import { appMethods } from './app.js'
import { bizprocMethods } from './bizproc.js'
import { activityMethods } from './crm-activity.js'
import { crmEntityMethods } from './crm-entity.js'
import { itemMethods } from './crm-item.js'
import { crmMiscMethods } from './crm-misc.js'
import { diskMethods } from './disk.js'
import { eventMethods } from './events.js'
import { imMethods } from './im.js'
import { offlineMethods } from './offline.js'
import { placementMethods } from './placement.js'
import type { MethodTable } from './registry.js'
import { taskExtraMethods } from './task-extra.js'
import { taskMethods } from './tasks.js'
import { userMethods } from './users.js'

/** Every implemented method except `batch`, which the REST layer handles itself. */
export const METHODS: MethodTable = {
  ...appMethods,
  ...eventMethods,
  ...offlineMethods,
  ...placementMethods,
  ...userMethods,
  ...crmEntityMethods,
  ...activityMethods,
  ...itemMethods,
  ...crmMiscMethods,
  ...taskMethods,
  ...taskExtraMethods,
  ...imMethods,
  ...diskMethods,
  ...bizprocMethods,
}
