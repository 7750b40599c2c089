export { Agenda } from './Agenda.js';
