export { Field, notes, type NoteWords } from './pieces.js';
