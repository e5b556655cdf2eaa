/** The store's side of recording: a session's recording from snapshots and from recording events. */
import { describe, expect, it } from 'vitest';
import { errorOf } from '../support/errors';
import { createInspectorStore } from '@renderer/store/inspector-store';
import type { InspectorEvent } from '@shared/contract';
import { recordingEvent, recordingInfo, sessionEvent, sessionInfo } from '../support/renderer/fake-bridge';

const batch = (...events: InspectorEvent[]) => ({ events, coalesced: 0 });

describe('recording in the store', () => {
  it('takes the recording from a listed session and follows recording events', () => {
    const store = createInspectorStore();
    store.getState().seed([sessionInfo({ id: 's1', recording: recordingInfo({ bytes: 10 }) })]);
    expect(store.getState().sessions.get('s1')!.recording).toEqual(recordingInfo({ bytes: 10 }));

    store.getState().applyBatch(batch(recordingEvent('s1', recordingInfo({ bytes: 900, records: 4 }))));
    expect(store.getState().sessions.get('s1')!.recording).toMatchObject({ active: true, bytes: 900, records: 4 });

    const error = errorOf('ENOSPC', 'disk full', 'free space');
    store.getState().applyBatch(batch(recordingEvent('s1', recordingInfo({ active: false, error }))));
    expect(store.getState().sessions.get('s1')!.recording).toMatchObject({ active: false, error });
  });

  it('ignores a recording event for a session it does not know, and copies only known fields', () => {
    const store = createInspectorStore();
    store.getState().applyBatch(batch(recordingEvent('s9', recordingInfo())));
    expect(store.getState().sessions.has('s9')).toBe(false);

    store.getState().applyBatch(batch(sessionEvent(sessionInfo({ id: 's1' }))));
    const hostile = JSON.parse('{"__proto__": {"polluted": true}, "extra": 1}') as object;
    store.getState().applyBatch(batch(recordingEvent('s1', Object.assign(hostile, recordingInfo()))));
    const recording = store.getState().sessions.get('s1')!.recording!;
    expect(Object.keys(recording).sort()).toEqual(['active', 'bytes', 'error', 'fileName', 'path', 'records', 'startedAt']);
    expect((recording as unknown as Record<string, unknown>).polluted).toBeUndefined();
  });
});
