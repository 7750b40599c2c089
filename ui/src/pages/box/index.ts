export { BoxFrame } from './BoxFrame.js';
export { Accounts } from './Accounts.js';
export { SpacesAdmin } from './SpacesAdmin.js';
export { Network } from './Network.js';
export { Usb } from './Usb.js';
export { Updates } from './Updates.js';
