/**
 * The words of a box's updates (update.ts), the same in both apps: spread into the
 * workspace's catalogue (i18n/) and the dashboard's (dashboard/).
 */
export const updateFr = {
  'update.none': 'Aucune mise à jour depuis la mise en route de la boîte.',
  'update.factory': 'sa version d’origine',
  'update.applied': 'Dernière mise à jour : la version {version} a été installée le {when} (avant : {previous}).',
  'update.rolledBack': 'Dernière mise à jour : le {when}, la version {version} n’a pas démarré. La boîte est revenue à {previous}, avec ses données d’avant la mise à jour.',
  'update.refused': 'Dernière mise à jour : le {when}, le fichier {version} a été refusé à l’installation. La boîte est restée à {previous}.',
  'update.reason': 'Raison : {reason}',
  'delivery.relay': 'proposée par le relais',
  'delivery.usb': 'apportée sur une clé USB',
  'delivery.fetching': 'La version {version}, {from}, est en train d’arriver (depuis le {when}) : la boîte la prend à un site voisin du réseau local si elle peut, sinon par Internet, dans les limites du forfait ; un envoi coupé reprend où il en était.',
  'delivery.queued': 'La version {version}, {from}, est arrivée entière et vérifiée le {when} : elle attend d’être installée.',
  'delivery.refused': 'La version {version}, {from}, a été refusée le {when}.',
} as const;

export const updateEn: Readonly<Record<keyof typeof updateFr, string>> = {
  'update.none': 'No update since the box was set up.',
  'update.factory': 'its original version',
  'update.applied': 'Last update: version {version} was installed on {when} (before: {previous}).',
  'update.rolledBack': 'Last update: on {when}, version {version} did not start. The box went back to {previous}, with its data from before the update.',
  'update.refused': 'Last update: on {when}, the file {version} was refused at installation. The box stayed at {previous}.',
  'update.reason': 'Reason: {reason}',
  'delivery.relay': 'offered by the relay',
  'delivery.usb': 'brought on a USB stick',
  'delivery.fetching': 'Version {version}, {from}, is on its way (since {when}): the box takes it from a neighbouring site on the local network when it can, otherwise over the Internet, within the plan’s limits; a cut transfer resumes where it stopped.',
  'delivery.queued': 'Version {version}, {from}, arrived whole and checked on {when}: it is waiting to be installed.',
  'delivery.refused': 'Version {version}, {from}, was refused on {when}.',
};
