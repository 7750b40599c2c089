export { Field, notes, type NoteWords } from './pieces.js';
export { SkipLink, focusMainOnNavigation } from './frame.js';
