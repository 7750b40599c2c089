export { SystemdNotifier, type SystemdNotifierOptions, type NotifyRunner } from './systemd.js';
