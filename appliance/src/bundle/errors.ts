/**
 * Why a bundle is refused, in plain words for the person holding the USB stick. A refused
 * bundle has applied nothing: every message says so, and what to do next.
 */
import { BadRequestError } from '../errors/index.js';

const NOTHING = "Rien n'a été importé.";

export class BundleError extends BadRequestError {
}

export const bundleErrors = {
  empty: () => new BundleError(`Ce fichier est vide : ce n'est pas un paquet Solidaire. ${NOTHING}`, 'bundle_not_a_bundle'),
  notABundle: () =>
    new BundleError(`Ce fichier n'est pas un paquet Solidaire (il ne commence pas comme un paquet). Vérifiez que vous avez choisi le bon fichier sur la clé. ${NOTHING}`, 'bundle_not_a_bundle'),
  newerFormat: (v: number | string) =>
    new BundleError(`Ce paquet a été fait par une version plus récente de Solidaire (format ${v}) : mettez cette boîte à jour avant de l'importer. ${NOTHING}`, 'bundle_version'),
  olderFormat: () =>
    new BundleError(`Ce paquet a été fait par une version trop ancienne de Solidaire : demandez à l'autre site de mettre sa boîte à jour et de refaire le paquet. ${NOTHING}`, 'bundle_version'),
  truncated: (read: number) =>
    new BundleError(
      `Ce paquet est incomplet : il s'arrête avant sa fin (${read} octets). La copie sur la clé n'est sans doute pas allée jusqu'au bout : recopiez-le depuis la boîte d'origine. ${NOTHING}`,
      'bundle_truncated',
    ),
  corrupt: (what: string) =>
    new BundleError(`Ce paquet est abîmé ou a été modifié (${what}) : recopiez-le depuis la boîte d'origine. ${NOTHING}`, 'bundle_corrupt'),
  refused: (what: string) =>
    new BundleError(`Ce paquet a été refusé : ${what}. Il n'a peut-être pas été fait par une boîte du réseau. ${NOTHING}`, 'bundle_refused'),
  gap: (what: string) =>
    new BundleError(
      `Ce paquet suppose des opérations que cette boîte n'a pas encore (${what}). Importez d'abord les paquets précédents, ou demandez à l'autre site un paquet complet. ${NOTHING}`,
      'bundle_gap',
    ),
  changed: () =>
    new BundleError(`Le fichier a changé pendant l'import (clé retirée ou fichier remplacé ?). Recommencez l'import. ${NOTHING}`, 'bundle_changed'),
  /** After the operations were applied: the files' contents could not all be stored. */
  blobsFailed: (why: string) =>
    new BundleError(
      `Les opérations du paquet ont été importées, mais le contenu de certains fichiers n'a pas pu l'être (${why}). Importez à nouveau le même paquet pour le compléter.`,
      'bundle_files_incomplete',
    ),
};
