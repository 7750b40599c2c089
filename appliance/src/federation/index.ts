export { Authority } from './authority.js';
export { Entitlements } from './entitlements.js';
export { FEDERATION_SPACE, RELEASES_SPACE, GRANTS, hostsWithGrants, parseGrant, grantFields, grantSpacesSchema, type Grant, type GrantRole, type GrantSpaces } from './grants.js';
