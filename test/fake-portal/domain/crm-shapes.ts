// Field lists of leads, deals, companies and contacts as crm.<kind>.get returns them, with types.
import type { CrmKind } from '../store.js'

/** A field's REST type, whether clients may write it, and its value on a new record. */
export interface FieldSpec { name: string; type: string; readOnly: boolean; initial: unknown }

const UTM = 'UTM_SOURCE UTM_MEDIUM UTM_CAMPAIGN UTM_CONTENT UTM_TERM'
const ADDRESS = 'ADDRESS ADDRESS_2 ADDRESS_CITY ADDRESS_POSTAL_CODE ADDRESS_REGION ADDRESS_PROVINCE ADDRESS_COUNTRY ADDRESS_COUNTRY_CODE ADDRESS_LOC_ADDR_ID'

// name[:type][:ro][=initial]; type defaults to string and initial to null. Order follows crm-*-get.md.
const SPECS: Record<CrmKind, string> = {
  lead: `ID:integer:ro TITLE HONORIFIC:crm_status NAME SECOND_NAME LAST_NAME COMPANY_TITLE COMPANY_ID:crm_company
    CONTACT_ID:crm_contact IS_RETURN_CUSTOMER:char:ro=N BIRTHDATE:date= SOURCE_ID:crm_status SOURCE_DESCRIPTION
    STATUS_ID:crm_status=NEW STATUS_DESCRIPTION POST COMMENTS CURRENCY_ID:crm_currency=RUB OPPORTUNITY:double=0.00
    IS_MANUAL_OPPORTUNITY:char=N HAS_PHONE:char:ro=N HAS_EMAIL:char:ro=N HAS_IMOL:char:ro=N ASSIGNED_BY_ID:user
    CREATED_BY_ID:user:ro MODIFY_BY_ID:user:ro DATE_CREATE:datetime:ro DATE_MODIFY:datetime:ro DATE_CLOSED:datetime:ro=
    STATUS_SEMANTIC_ID:string:ro OPENED:char=Y ORIGINATOR_ID ORIGIN_ID MOVED_BY_ID:user:ro MOVED_TIME:datetime:ro
    ${ADDRESS} ${UTM} LAST_ACTIVITY_BY:user:ro LAST_ACTIVITY_TIME:datetime:ro`,
  deal: `ID:integer:ro TITLE TYPE_ID:crm_status STAGE_ID:crm_status PROBABILITY:integer CURRENCY_ID:crm_currency=RUB
    OPPORTUNITY:double=0.00 IS_MANUAL_OPPORTUNITY:char=N TAX_VALUE:double=0.00 LEAD_ID:crm_lead COMPANY_ID:crm_company
    CONTACT_ID:crm_contact QUOTE_ID:crm_quote BEGINDATE:date= CLOSEDATE:date= ASSIGNED_BY_ID:user CREATED_BY_ID:user:ro
    MODIFY_BY_ID:user:ro DATE_CREATE:datetime:ro DATE_MODIFY:datetime:ro OPENED:char=Y CLOSED:char=N COMMENTS
    ADDITIONAL_INFO LOCATION_ID:location CATEGORY_ID:crm_category=0 STAGE_SEMANTIC_ID:string:ro IS_NEW:char:ro=Y
    IS_RECURRING:char:ro=N IS_RETURN_CUSTOMER:char:ro=N IS_REPEATED_APPROACH:char:ro=N SOURCE_ID:crm_status
    SOURCE_DESCRIPTION ORIGINATOR_ID ORIGIN_ID MOVED_BY_ID:user:ro MOVED_TIME:datetime:ro
    LAST_ACTIVITY_TIME:datetime:ro ${UTM} LAST_ACTIVITY_BY:user:ro`,
  company: `ID:integer:ro COMPANY_TYPE:crm_status TITLE LOGO:file LEAD_ID:crm_lead HAS_PHONE:char:ro=N HAS_EMAIL:char:ro=N
    HAS_IMOL:char:ro=N ASSIGNED_BY_ID:user CREATED_BY_ID:user:ro MODIFY_BY_ID:user:ro BANKING_DETAILS INDUSTRY:crm_status
    REVENUE:double=0 CURRENCY_ID:crm_currency=RUB EMPLOYEES:crm_status COMMENTS DATE_CREATE:datetime:ro
    DATE_MODIFY:datetime:ro OPENED:char=Y IS_MY_COMPANY:char=N ORIGINATOR_ID ORIGIN_ID ORIGIN_VERSION ${ADDRESS}
    ADDRESS_LEGAL REG_ADDRESS ${UTM} LAST_ACTIVITY_BY:user:ro LAST_ACTIVITY_TIME:datetime:ro`,
  contact: `ID:integer:ro POST COMMENTS HONORIFIC:crm_status NAME SECOND_NAME LAST_NAME PHOTO:file LEAD_ID:crm_lead
    TYPE_ID:crm_status SOURCE_ID:crm_status SOURCE_DESCRIPTION COMPANY_ID:crm_company BIRTHDATE:date= EXPORT:char=Y
    HAS_PHONE:char:ro=N HAS_EMAIL:char:ro=N HAS_IMOL:char:ro=N DATE_CREATE:datetime:ro DATE_MODIFY:datetime:ro
    ASSIGNED_BY_ID:user CREATED_BY_ID:user:ro MODIFY_BY_ID:user:ro OPENED:char=Y ORIGINATOR_ID ORIGIN_ID ORIGIN_VERSION
    FACE_ID:integer:ro LAST_ACTIVITY_TIME:datetime:ro ${ADDRESS} ${UTM} LAST_ACTIVITY_BY:user:ro`,
}

function parse(spec: string): FieldSpec[] {
  return spec.trim().split(/\s+/).map((token) => {
    const [head = '', initialText] = token.split('=')
    const [name = '', type = 'string', ro] = head.split(':')
    return { name, type, readOnly: ro === 'ro', initial: initialText === undefined ? null : initialText }
  })
}

/** Field specs per CRM kind, in the order the portal returns them. */
export const FIELDS: Record<CrmKind, FieldSpec[]> = {
  lead: parse(SPECS.lead),
  deal: parse(SPECS.deal),
  company: parse(SPECS.company),
  contact: parse(SPECS.contact),
}

/** Multifields each kind has; list methods return them only when named in `select`. */
export const MULTIFIELDS: Record<CrmKind, readonly string[]> = {
  lead: ['PHONE', 'EMAIL', 'WEB', 'IM'],
  deal: [],
  company: ['PHONE', 'EMAIL', 'WEB', 'IM'],
  contact: ['PHONE', 'EMAIL', 'WEB', 'IM'],
}

/** Event name stem: ONCRM<STEM>ADD / UPDATE / DELETE. */
export const EVENT_STEM: Record<CrmKind, string> = { lead: 'LEAD', deal: 'DEAL', company: 'COMPANY', contact: 'CONTACT' }

/** crm.item entityTypeId of each kind (crm/data-types.md#object_type). */
export const ENTITY_TYPE_ID: Record<CrmKind, number> = { lead: 1, deal: 2, contact: 3, company: 4 }

/** The crm.<kind>.fields map: type and flags per field, multifields and a title. */
export function fieldsDescription(kind: CrmKind): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const f of FIELDS[kind]) {
    out[f.name] = { type: f.type, isRequired: false, isReadOnly: f.readOnly, isImmutable: false, isMultiple: false, isDynamic: false, title: f.name }
  }
  for (const m of MULTIFIELDS[kind]) {
    out[m] = { type: 'crm_multifield', isRequired: false, isReadOnly: false, isImmutable: false, isMultiple: true, isDynamic: false, title: m }
  }
  return out
}
