/** The relay: registry and enrollment, MQTT broker, sync hub, HTTP API. */
export { Relay, type RelayOptions, type RelayAddresses } from './relay.js';
export { SiteRegistry, TOKEN_LIFETIME_MS, type Site } from './registry.js';
export { Broker, type BrokerOptions } from './broker.js';
export { relayApp } from './http.js';
