export { provision, hostapdConf, APPLIED_FILE, REPORT_FILE, PENDING_ENROLLMENT, type ProvisionOptions, type ProvisionReport } from './apply.js';
export { parseProvision, PROVISION_FILE, ProvisionError, type Provision } from './file.js';
