export { Appliance, VERSION, type ApplianceOptions } from './appliance.js';
export { FakeClock, seededRandom, systemClock, cryptoRandom, type Clock, type Random } from './clock/index.js';
