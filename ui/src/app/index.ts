/** The app's frame, what pages may use of it: session, language, drafts, small pieces. */
export { api, session, sessionInfo, site, sessionLost, loadSession, logIn, logOut, refreshSession, type SessionState } from './session.js';
export { lang, setLang, t, tn, fmt } from './locale.js';
export { createAction, type Action } from './action.js';
export { patchChanged } from './patch.js';
export { draft, type Draft } from './drafts.js';
export { draftForm, type DraftForm } from './draft-form.js';
export { ActionForm, ErrorNote, Field, FormActions, Info, Loading } from './ui.js';
export { EditRow, RowTools, Table, type Column } from './table.js';
export { SpaceFrame, spacePath, useSpace } from './Space.js';
export { Spaces, roleName } from './Spaces.js';
export { Shell } from './Shell.js';
export { Setup } from './Setup.js';
