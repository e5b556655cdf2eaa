import type { IpcMainInvokeEvent } from 'electron';
import {
  HOST_METHOD_NAMES,
  hostArgSchemas,
  ipcChannel,
  METHOD_NAMES,
  type EngineApi,
  type HostHandlers,
  type HostMethodName,
  type MethodName,
} from '@shared/contract';
import { dispatch, dispatchWith } from '@shared/dispatch';
import { answerCall, readCall, type CallRunner } from '@shared/envelope';
import { AppCode, hintFor } from '@shared/errors';
import { phrase } from '@shared/phrase';
import { fail } from '@shared/result';

/** The part of ipcMain we use, so tests can register on a stand-in. */
export interface HandlerRegistry {
  handle(channel: string, listener: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

/**
 * The guarded handler every channel goes through: the sender must be the app's own window and
 * top frame, and the call takes exactly one argument. That argument is the envelope's args, the
 * channel its method; the envelope kit then validates and runs it, so whatever happens the
 * renderer gets one typed Result — never a thrown error.
 */
function guardedHandler(method: MethodName | HostMethodName, isTrusted: SenderCheck, run: CallRunner) {
  return async (event: IpcMainInvokeEvent, ...args: unknown[]) => {
    if (!isTrusted(event)) {
      return fail(
        AppCode.Forbidden,
        phrase('verbatim', { text: `Refused ${method}: the call did not come from the Socket Inspector window.` }),
        hintFor(AppCode.Forbidden),
      );
    }
    if (args.length !== 1) {
      return fail(
        AppCode.InvalidArgument,
        phrase('verbatim', { text: `${method} takes exactly one object argument; it got ${args.length}.` }),
        hintFor(AppCode.InvalidArgument),
      );
    }
    return (await answerCall(readCall({ method, args: args[0] }), run)).result;
  };
}

/** Bind every method of the contract to its channel; returns a function that unbinds them. */
export function registerApi(ipc: HandlerRegistry, api: EngineApi, isTrusted: SenderCheck): () => void {
  for (const method of METHOD_NAMES)
    ipc.handle(
      ipcChannel(method),
      guardedHandler(method, isTrusted, (name, raw) => dispatch(api, name, raw)),
    );
  return () => {
    for (const method of METHOD_NAMES) ipc.removeHandler(ipcChannel(method));
  };
}

/** The desktop app's file dialogs, behind the same guard. */
export function registerHost(ipc: HandlerRegistry, host: HostHandlers, isTrusted: SenderCheck): () => void {
  for (const method of HOST_METHOD_NAMES) {
    ipc.handle(
      ipcChannel(method),
      guardedHandler(method, isTrusted, (name, raw) => dispatchWith(hostArgSchemas, host, name, raw)),
    );
  }
  return () => {
    for (const method of HOST_METHOD_NAMES) ipc.removeHandler(ipcChannel(method));
  };
}
