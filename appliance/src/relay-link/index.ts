/** The box's link to the relay: the MQTT topic layout and enrollment, shared with the relay. */
export { ROOT, topics, parseTopic, siteMayPublish, siteMaySubscribe, type SiteTopic } from './topics.js';
export {
  ENROLLMENT_VERSION, enrollmentFileSchema, enrollRequestSchema, enrollResponseSchema, enrollProof, encodeGrants, decodeGrants,
  type EnrollmentFile, type EnrollRequest, type EnrollResponse,
} from './enrollment.js';
export { enroll, readEnrollmentFile, readRelayConfig, relayConfigSchema, EnrollmentError, RELAY_CONFIG, type RelayConfig } from './enroll.js';
export { RelayLink, type RelayLinkOptions, type RelayLinkStatus, type Command, type CommandResult, type HealthUploads } from './client.js';
export { commandHandler, AnsweredCommands, type BoxActions } from './commands.js';
