/**
 * Bundles: operations and file contents carried between sites on a USB stick, for a site
 * with no link at all. The file format is described in format.ts.
 *
 *   exportBundle / writeBundleFile   what a site lacks (from peer_vectors), or everything
 *   importBundle                     verify the whole file, then apply it all or nothing
 *   bundleRoutes                     POST /api/v1/bundles/export and /bundles/import
 */
export { exportBundle, type BundleExport, type ExportOptions, type ExportSummary } from './export.js';
export { writeBundleFile, partialNameOf } from './write.js';
export { importBundle, type ImportSummary } from './import.js';
export { verifyBundle, type VerifiedBundle } from './verify.js';
export { PeerVectors } from './peers.js';
export { BundleError } from './errors.js';
export { heldSpaces, type BundleDeps, type BundleEntitlements } from './deps.js';
export { bundleRoutes, bundleDeps, siteIdSchema, BUNDLE_STREAMED_BODIES } from './routes.js';
export { FORMAT_VERSION, MAGIC } from './format.js';
export { describeExport, describeImport, formatBytes } from './describe.js';
