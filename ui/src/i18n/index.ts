/** Catalogues and formatting: pure, shared by the app and its tests. */
export type { MessageKey } from './fr.js';
export { CATALOGUES, LANGS, translate, placeholders, isKey, type Catalogue, type Lang, type Params, type Translate } from './translate.js';
export { formatBytes, formatDate, formatDateTime, formatMoney, formatNumber, formatPercent, formatRelative, localeTag, pluralOf } from './format.js';
