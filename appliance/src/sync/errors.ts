/** Named errors of sync sessions; `code` is what goes on the wire in an ERROR frame. */
export class SyncError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** The peer sent something that breaks the protocol: the session closes, nothing of it is applied. */
export class SyncProtocolError extends SyncError {
  override readonly name = 'SyncProtocolError';
}

/** The peer sent operations we refuse (bad signature, not entitled, out of order). */
export class SyncRefusedError extends SyncError {
  override readonly name = 'SyncRefusedError';
}

/** The peer closed the session with an ERROR frame. */
export class SyncPeerError extends SyncError {
  override readonly name = 'SyncPeerError';
}

/** The link was cut before the session finished; what was acknowledged stays applied. */
export class SyncLinkError extends SyncError {
  override readonly name = 'SyncLinkError';
  constructor(message = 'the link was cut') {
    super('link_cut', message);
  }
}

/** A session with this peer is already running. */
export class SyncBusyError extends SyncError {
  override readonly name = 'SyncBusyError';
  constructor(peer: string) {
    super('busy', `a session with ${peer} is already running`);
  }
}
