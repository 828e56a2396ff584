/** The load run's figures as a two-column table for the terminal (and the README's figures). */
import type { LoadReport } from './run.js';

const n = (x: number) => x.toLocaleString('en-US');
const ms = (x: number | null) => (x === null ? '-' : `${n(x)}`);

/** The first line of a stderr tail that names an error (else its last line). */
function firstError(stderr: string): string {
	const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
	return (lines.find((l) => /^(\w*Error\b|error:)/i.test(l)) ?? lines.find((l) => /error/i.test(l)) ?? lines.at(-1) ?? '').slice(0, 200);
}

export function describeRun(r: LoadReport): string {
	const o = r.options;
	const faults = [
		o.killAtS !== null ? `kill -9 at ${o.killAtS} s` : null,
		o.restartDbAtS !== null ? `PostgreSQL restart at ${o.restartDbAtS} s` : null,
		o.dropResponses > 0 ? `${o.dropResponses * 100} % of responses dropped` : null
	].filter(Boolean);
	const what = o.clickme ? 'ClickMe players, one stroke' : 'participants, one trial';
	return `${o.engine}, ${n(o.participants)} ${what} every ${n(o.paceMs)} ms for ${o.durationS} s (+${o.drainS} s to finish)${o.itemsPerParticipant !== null ? `, at most ${o.itemsPerParticipant} each` : ''}; faults: ${faults.length ? faults.join(', ') : 'none'}`;
}

export function formatReport(r: LoadReport): string {
	const v = r.verification;
	const item = r.options.clickme ? 'items' : 'trials';
	const rows: [string, string][] = [];
	const p = r.participants;
	rows.push(['participants', `${n(p.total)} (started ${n(p.started)}, completed ${n(p.completed)}, locked out ${n(p.lockedOut)}, not started ${n(p.notStarted)})`]);
	if (p.unsaved || p.notCompleted) rows.push(['  gave up at the finish deadline', `${n(p.unsaved)} with ${n(p.pendingAtGiveUp)} answers unsaved, ${n(p.notCompleted)} with all saved but no completion code`]);
	if (v) {
		rows.push([`${item} sent (enqueued)`, n(v.enqueued)]);
		rows.push(['stored', n(v.stored)]);
	}
	const answered = r.outcomes.stored + r.outcomes.duplicate + r.outcomes.rejected;
	rows.push(['duplicate outcomes', `${n(r.outcomes.duplicate)} (${r.duplicatePercent ?? 0} % of ${n(answered)} outcomes); items sent per ${item.replace(/s$/, '')}: ${r.itemsSentPerItem ?? '-'}`]);
	if (v) {
		rows.push(['false rejections', `${n(v.falseRejections)} (stored anyway: ${n(v.falseRejectionsStored)})${Object.keys(v.rejectionReasons).length ? `: ${Object.entries(v.rejectionReasons).sort((a, b) => b[1] - a[1]).slice(0, 3).map(([reason, count]) => `${count} x "${reason}"`).join(', ')}` : ''}`]);
		rows.push(['lost: confirmed, not in the database', n(v.lostConfirmed)]);
		rows.push(['lost: enqueued, never stored', `${n(v.lostEnqueued)} (still pending in a queue at the check: ${n(v.pendingAtEnd)})`]);
	} else rows.push(['check against the database', `FAILED: ${r.verificationError}`]);
	const failures = Object.entries(r.calls).flatMap(([kind, f]) => Object.entries(f.causes).map(([cause, count]) => ({ kind, cause, count })));
	const failed = failures.reduce((s, f) => s + f.count, 0);
	const calls = Object.values(r.calls).reduce((s, f) => s + f.ok + f.failed, 0);
	rows.push(['failed calls', `${n(failed)} of ${n(calls)}`]);
	for (const f of failures.sort((a, b) => b.count - a.count)) rows.push([`  ${f.kind}`, `${n(f.count)} x ${f.cause}`]);
	const l = r.recordLatency;
	rows.push([`${r.options.clickme ? 'clickme_record' : 'record_trials'} latency p50 / p95 / p99`, `${ms(l.p50)} / ${ms(l.p95)} / ${ms(l.p99)} ms (max ${ms(l.max)}, ${n(l.n)} answered calls)`]);
	rows.push(['stand-in peak RSS', `${n(r.standin.peakRssMb)} MB`]);
	if (!r.options.clickme && v) rows.push(['completions', `${n(p.completed)} of ${n(p.total)} (sessions in the database ${n(v.sessions)}, completed ${n(v.sessionsCompleted)}; participants rows ${n(v.participantsRows)}; codes whose trials_saved differs from the stored count: ${n(v.completionMismatches)})`]);
	else rows.push(['completions', `${n(p.completed)} of ${n(p.total)} players drained their queue`]);
	if (r.standin.killedAtS !== null) rows.push(['kill -9', `at ${r.standin.killedAtS} s; listening again ${r.standin.backAfterS === null ? 'never' : `${Math.round(r.standin.backAfterS * 10) / 10} s later`}`]);
	if (r.database.restartedAtS !== null) rows.push(['PostgreSQL restart', `at ${r.database.restartedAtS} s, took ${r.database.restartTookS === null ? '-' : Math.round(r.database.restartTookS * 10) / 10} s`]);
	if (r.proxy) rows.push(['responses dropped', `${n(Object.values(r.proxy.dropped).reduce((s, x) => s + x, 0))} (${Object.entries(r.proxy.dropped).map(([path, count]) => `${path.replace(/^\/(rest|auth)\/v1\//, '')} ${count}`).join(', ')}); forwarded ${n(r.proxy.forwarded)}`]);
	for (const exit of r.standin.unexpectedExits) rows.push(['stand-in stopped by itself', `at ${exit.atS} s (exit code ${exit.code}, signal ${exit.signal}): ${firstError(exit.stderr)}`]);
	if (r.standin.restartedForCheck) rows.push(['note', 'the stand-in was started again for the check, after the participants']);
	rows.push(['wall time', `${r.wallS} s${r.hitLimit ? ' (hard limit reached)' : ''}`]);
	rows.push(['CPU time', `stand-in ${n(r.standin.cpuS)} s, simulated clients ${n(r.loadGeneratorCpuS)} s (of ${n(Math.round(r.wallS))} s wall on ${r.machine.split(' x ')[0]} cores)`]);
	rows.push(['result', r.problems.length ? `FAIL: ${r.problems.join('; ')}` : 'PASS: nothing lost, nothing falsely rejected']);
	const width = Math.max(...rows.map(([k]) => k.length));
	return [`Load run ${r.date} on ${r.machine}`, describeRun(r), '', ...rows.map(([k, val]) => `${k.padEnd(width)}  ${val}`)].join('\n');
}
