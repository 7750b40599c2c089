export { ReleaseError, generateReleaseKeys, parseManifest, type Manifest, type ReleaseKeys } from './manifest.js';
export { buildRelease, isReleaseFile, leftOut, BOX_PLATFORM, readSignedManifest, readSignedVersion, unpackRelease, RELEASE_INCLUDE, type BuildReleaseOptions } from './bundle.js';
export {
  applyUpdate, currentRelease, readUpdateState, recoverInterruptedUpdate, systemdService, healthzAnswers, DB_FILE, STATE_FILE, PENDING_FILE,
  type ApplyUpdateOptions, type ServiceControl, type UpdateLayout, type UpdateState,
} from './apply.js';
export { updateRoutes, UPDATE_STREAMED_BODIES, MAX_RELEASE_BYTES } from './routes.js';
export {
  ReleaseDelivery, wantRelease, releaseOfferSchema, DELIVERY_FILE,
  type Delivery, type ReleaseOffer, type UpdateReport, type UpdatesPlace,
} from './delivery.js';
export { VERSION } from './version.js';
