export { SyncPage, linkName, linkSentence, peerSentences } from './SyncPage.js';
