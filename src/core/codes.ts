/**
 * Every diagnostic code opsledger emits, with what it means and how to fix it. Codes are a
 * stable contract (users filter on them, SARIF rules are keyed by them); `opsledger explain`
 * prints these entries, and a test checks every code here is produced by some input.
 */
export interface CodeInfo {
  title: string;
  explanation: string;
  fix: string;
}

export const CODES: Record<string, CodeInfo> = {
  'git.shallow': {
    title: 'History too shallow for the fact',
    explanation: 'The clone is shallow and the change request already existed at its oldest commit, so when it was submitted lies in history that was not fetched. opsledger does not guess: the lead-time control is not met, the short-notice factor counts, and the gate denies; metrics count its lead time as unknown.',
    fix: 'Fetch the full history (`git fetch --unshallow`, or `fetch-depth: 0` in actions/checkout) before running risk, gate or metrics.',
  },
  'file.encoding': {
    title: 'File is not UTF-8',
    explanation: 'YAML files must be UTF-8. The file holds a byte sequence that is not valid UTF-8, often from a Latin-1 editor or a binary file saved with a .yaml name.',
    fix: 'Re-save the file as UTF-8, or remove it if it is not a YAML document.',
  },
  'file.empty': {
    title: 'File holds no document',
    explanation: 'The file is empty or holds only comments, so it defines nothing. An empty file in a data folder is usually a mistake left by a tool or a half-finished edit.',
    fix: 'Delete the file, or add the document it was meant to hold.',
  },
  'file.too-large': {
    title: 'File over the size limit',
    explanation: 'The file is larger than the limit for one YAML file (1 MiB by default) and was not read: real catalogue files are a few kilobytes, and very large files are a common way to exhaust a validator.',
    fix: 'Split the file into several, or raise the limit with --max-file-size if the file is legitimate.',
  },
  'file.symlink-escape': {
    title: 'Symbolic link leaves the repository',
    explanation: 'A symbolic link in a data folder points outside the repository. Following it could read files the repository does not own (secrets, system files), so it is refused unread.',
    fix: 'Replace the link with the file itself, or point it at a file inside the repository.',
  },
  'file.symlink-broken': {
    title: 'Broken symbolic link',
    explanation: 'A symbolic link with a YAML name points at nothing.',
    fix: 'Remove the link or restore its target.',
  },
  'file.not-regular': {
    title: 'Not a regular file',
    explanation: 'A FIFO, socket or device has a YAML name in a data folder. Opening one can block forever or stream without end, so it is refused unread.',
    fix: 'Remove it, or replace it with the regular file it stands for.',
  },
  'file.unreadable': {
    title: 'File cannot be read',
    explanation: 'The file or folder exists but could not be read (permissions, or it vanished during the run).',
    fix: 'Check its permissions and run again.',
  },
  'file.not-found': {
    title: 'Path not found',
    explanation: 'A path given on the command line does not exist under the repository root.',
    fix: 'Check the path; paths are relative to the current folder.',
  },
  'file.outside-root': {
    title: 'Path outside the repository',
    explanation: 'A path given on the command line lies outside the repository root, which is not validated.',
    fix: 'Pass paths inside the repository, or point --root at the right folder.',
  },
  'discovery.empty': {
    title: 'No documents found',
    explanation: 'The run read no opsledger document at all: the organisation root holds no data folder (services, teams, changes, cmdb, slos, incidents, systems, apis), or they hold no YAML documents. Reporting "no problems" here would pass a pipeline that validated nothing, so it is an error. Without --root the root is the nearest folder above the current one that holds opsledger.yaml, else the nearest that holds a data folder, else the top of the git repository.',
    fix: 'Run from inside the organisation, add opsledger.yaml at its root, or pass --root with the folder that holds the data folders.',
  },
  'yaml.syntax': {
    title: 'YAML syntax error',
    explanation: 'The file is not well-formed YAML at this position (an unclosed quote or bracket, a tab used for indentation, a bad indent).',
    fix: 'Fix the syntax at the position shown; an editor with YAML support highlights it as you type.',
  },
  'yaml.duplicate-key': {
    title: 'Duplicate key',
    explanation: 'The same key appears twice in one mapping. YAML forbids it, and tools disagree on which value wins, so the document would mean different things to different readers.',
    fix: 'Keep one of the two keys.',
  },
  'yaml.too-deep': {
    title: 'Nesting too deep',
    explanation: 'The document nests collections deeper than any real catalogue file does; reading it could exhaust the stack or memory.',
    fix: 'Flatten the structure; no opsledger kind needs more than a few levels.',
  },
  'yaml.tag': {
    title: 'Custom tag refused',
    explanation: 'The file uses a tag such as !!js/function or !include. Tags like these ask a loader to run code or read other files, so opsledger refuses every tag outside YAML core.',
    fix: 'Write the value as plain YAML (a string, number, list or mapping).',
  },
  'yaml.version': {
    title: 'YAML version other than 1.2',
    explanation: 'A %YAML directive asks for a version other than 1.2. Under %YAML 1.1 readers turn on merge keys (<<), read yes/no/on/off as booleans and 010 as octal, so the same file would mean different things to opsledger and to other tools; opsledger reads YAML 1.2 (core schema) only.',
    fix: 'Remove the %YAML line (1.2 is the default) or write %YAML 1.2, and spell values the 1.2 way (true/false, quoted strings).',
  },
  'yaml.key': {
    title: 'Mapping key is not a single value',
    explanation: 'A mapping key is a list or a mapping (? [a, b] or {[a]: 1}). JSON objects, and so every schema and tool that reads these files, only have text keys, and each YAML library turns such a key into different text.',
    fix: 'Use a text key; put the list or mapping in the value.',
  },
  'yaml.alias': {
    title: 'Undefined alias',
    explanation: 'An alias (*name) refers to an anchor (&name) that is not defined before it, or to the node that contains the alias, which would make a value without end.',
    fix: 'Define the anchor first, or write the value out.',
  },
  'yaml.alias-limit': {
    title: 'Alias expansion limit',
    explanation: 'Aliases in the file expand into more nodes than the limit allows (10,000 nodes added by aliases, all documents of the file together). This is how "billion laughs" attacks exhaust memory and time, so the file is not expanded; the position is the alias where the limit was crossed.',
    fix: 'Write the values out instead of nesting aliases of aliases.',
  },
  'yaml.too-many-nodes': {
    title: 'Too many nodes in one file',
    explanation: 'The file holds more values and entries than the limit for one file (20,000, all documents of the file together, counted on the text before anything is built). Each node costs the parser about a kilobyte, so a small file of nothing but flow collections ([[],[],...]) would take hundreds of megabytes; real catalogue files have a few hundred nodes. The position is where the count crossed the limit.',
    fix: 'Split the file into several documents in separate files, or write the data more compactly.',
  },
  'yaml.unsafe-key': {
    title: 'Key that can alter prototypes',
    explanation: 'Keys named __proto__, constructor or prototype can change the behaviour of JavaScript tools that read the file (prototype pollution), so they are refused everywhere.',
    fix: 'Rename the key.',
  },
  'doc.not-mapping': {
    title: 'Document is not a mapping',
    explanation: 'Each document must be a mapping with apiVersion, kind, metadata and spec; this one is a list or a single value.',
    fix: 'Turn the document into a mapping, or split a list of documents with --- separators.',
  },
  'kind.missing': {
    title: 'apiVersion or kind missing',
    explanation: 'Documents are routed by apiVersion and kind, and this one lacks one of them (or it is not a string).',
    fix: 'Add apiVersion: opsledger/v1 and the kind, e.g. kind: Service.',
  },
  'kind.unknown-api-version': {
    title: 'Unknown apiVersion',
    explanation: 'opsledger reads opsledger/v1 documents and OpenSLO openslo/v1 documents; this apiVersion is neither.',
    fix: 'Use one of the apiVersions listed in the message.',
  },
  'kind.deprecated-api-version': {
    title: 'Superseded apiVersion',
    explanation: 'The document uses an apiVersion that opsledger recognises but no longer reads, such as openslo/v1alpha (replaced by openslo/v1: timeWindows became timeWindow durations, metrics gained metricSource, per-objective ratioMetrics became indicators). The document is not validated and takes no part in gates or reports.',
    fix: 'Convert the file with `opsledger import openslo <file> --out <folder>`, which writes openslo/v1 documents and lists every change, then remove the old file.',
  },
  'kind.unknown': {
    title: 'Unknown kind',
    explanation: 'The apiVersion is known but it has no kind of this name.',
    fix: 'Use one of the kinds listed in the message (names are case-sensitive).',
  },
  'schema.required': {
    title: 'Required field missing',
    explanation: 'The schema of this kind requires the field, and the document does not have it. The position is that of the mapping the field belongs in.',
    fix: 'Add the field; `opsledger schema <kind>` shows what it holds.',
  },
  'schema.additionalProperties': {
    title: 'Unknown field',
    explanation: 'The field is not part of this kind, often a typo. Unknown fields are refused so that a misspelt control (e.g. "rollbak") is not silently ignored.',
    fix: 'Fix the spelling (the hint names the closest known field), or move free-form data under metadata.labels or annotations.',
  },
  'schema.enum': {
    title: 'Value not among the allowed ones',
    explanation: 'The field takes one of a fixed set of values.',
    fix: 'Use one of the values listed in the message.',
  },
  'schema.const': {
    title: 'Value must be fixed',
    explanation: 'The field takes exactly one value here.',
    fix: 'Use the value named in the message.',
  },
  'schema.type': {
    title: 'Wrong type',
    explanation: 'The value has the wrong type, for example a list where a mapping belongs, or text where a number belongs (quote times and dates, leave numbers bare).',
    fix: 'Change the value to the type named in the message.',
  },
  'schema.format': {
    title: 'Wrong format',
    explanation: 'The text does not have the expected format: durations are 30m, 2h or 5d; instants are ISO 8601 with an offset (2026-12-02T01:00:00+09:00); URLs are absolute.',
    fix: 'Rewrite the value in the format the message names.',
  },
  'schema.pattern': {
    title: 'Text does not match the expected form',
    explanation: 'Names are lowercase DNS labels (payments-api); references are typed (service:ledger, ci:payments-db, team:cab); change ids are CR-YYYY-NNNN.',
    fix: 'Rewrite the value in the form the message shows.',
  },
  'schema.propertyNames': {
    title: 'Invalid key',
    explanation: 'A key of this mapping does not have the allowed form.',
    fix: 'Rename the key.',
  },
  'schema.minimum': { title: 'Number too small', explanation: 'The number is below the smallest allowed value.', fix: 'Raise it to the range the message gives.' },
  'schema.maximum': { title: 'Number too large', explanation: 'The number is above the largest allowed value.', fix: 'Lower it to the range the message gives.' },
  'schema.exclusiveMinimum': { title: 'Number too small', explanation: 'The number must be greater than the bound the message gives.', fix: 'Raise it.' },
  'schema.exclusiveMaximum': { title: 'Number too large', explanation: 'The number must be less than the bound the message gives.', fix: 'Lower it.' },
  'schema.minItems': { title: 'Too few items', explanation: 'The list needs at least the number of items the message gives.', fix: 'Add items, or remove the empty list.' },
  'schema.maxItems': { title: 'Too many items', explanation: 'The list holds more items than allowed.', fix: 'Remove items.' },
  'schema.minLength': { title: 'Text too short', explanation: 'The text is shorter than allowed (often: empty).', fix: 'Fill it in.' },
  'schema.maxLength': { title: 'Text too long', explanation: 'The text is longer than allowed.', fix: 'Shorten it.' },
  'schema.uniqueItems': { title: 'Repeated item', explanation: 'The list holds the same item twice.', fix: 'Remove the repeat.' },
  'schema.anyOf': { title: 'Value matches none of the allowed shapes', explanation: 'The value must take one of several shapes and takes none of them.', fix: 'See `opsledger schema <kind>` for the shapes allowed here.' },
  'schema.oneOf': { title: 'Value must match exactly one shape', explanation: 'The value must take exactly one of several shapes.', fix: 'See `opsledger schema <kind>` for the shapes allowed here.' },
  'schema.minProperties': { title: 'Mapping is empty', explanation: 'The mapping needs at least one entry.', fix: 'Add an entry or remove the mapping.' },
  'schema.not': { title: 'Value not allowed', explanation: 'The value has a shape that is explicitly not allowed here.', fix: 'See the message.' },
  'schema.dependentRequired': { title: 'Field needs a companion', explanation: 'The field only makes sense together with another field, which is missing.', fix: 'Add the field the message names.' },
  'name.duplicate': {
    title: 'Name defined twice',
    explanation: 'Two documents of the same kind have the same metadata.name, so references to it would be ambiguous. The first definition wins; the second is reported.',
    fix: 'Rename one of them, or delete the copy.',
  },
  'ref.unresolved': {
    title: 'Reference to nothing',
    explanation: 'The reference names a service, configuration item, team, template, SLO, system, domain or API that no document defines.',
    fix: 'Fix the name (the hint names the closest one), or add the missing document.',
  },
  'ref.deprecated': {
    title: 'Dependency on a deprecated service',
    explanation: 'A live service depends on a service whose lifecycle is deprecated.',
    fix: 'Plan the migration, then remove the dependency.',
  },
  'api.unprovided': {
    title: 'API consumed but provided by nobody',
    explanation: 'A service lists an API in consumesApis, the API document exists, but no service lists it in providesApis. Nobody in the organisation answers for what the consumer relies on, and the catalog cannot say whose changes it should watch.',
    fix: 'Add the API to providesApis of the service that serves it, or remove it from consumesApis if the service no longer calls it.',
  },
  'graph.cycle': {
    title: 'Dependency cycle',
    explanation: 'Services and configuration items depend on each other in a circle. A cycle makes blast radius and start-up order meaningless, and usually means one relation points the wrong way.',
    fix: 'Break the cycle: reverse the relation that is really "used by", or model it as connectsTo.',
  },
  'change.schedule-order': { title: 'Schedule ends before it starts', explanation: 'The schedule end is not after its start.', fix: 'Fix schedule.start or schedule.end.' },
  'change.justification-required': {
    title: 'Emergency change without justification',
    explanation: 'An emergency change skips the normal CAB and may bypass freezes, so it must say why it cannot wait.',
    fix: 'Add spec.justification, e.g. the incident it resolves.',
  },
  'change.template-required': {
    title: 'Standard change without template',
    explanation: 'A standard change is pre-approved only through a StandardChange template, which it must name.',
    fix: 'Set spec.template to a template name, or make the change normal.',
  },
  'change.template-unused': { title: 'Template on a change that is not standard', explanation: 'Only standard changes follow a template; for this type it is ignored.', fix: 'Remove spec.template, or make the change standard.' },
  'change.template-coverage': {
    title: 'Template does not cover the change',
    explanation: 'The standard change touches a service, item class or environment that its template does not cover, so it is not pre-approved.',
    fix: 'Use a template that covers it, or make the change normal and take it to the CAB.',
  },
  'change.required-field': {
    title: 'Standard change leaves a required field empty',
    explanation: 'A standard change is pre-approved because it follows its template, and the template lists fields every such change must fill (requiredFields, as dotted paths into the change spec: rollback.steps, verification, ...). A change that leaves one empty is outside the pre-approved model; risk scores it as a normal change.',
    fix: 'Fill in the field named in the message, or make the change normal.',
  },
  'change.no-target': { title: 'Change affects nothing', explanation: 'The change names no service and no configuration item, so its blast radius cannot be computed.', fix: 'List spec.services and/or spec.configurationItems.' },
  'change.id-mismatch': { title: 'File name and change id differ', explanation: 'Change files are named after their id, so a change can be found from its id.', fix: 'Rename the file or fix metadata.name.' },
  'change.outcome-order': {
    title: 'Outcome times out of order',
    explanation: 'The post-implementation timestamps must run implementedAt ≤ failureDetectedAt ≤ restoredAt, or the metrics (time to detect, time to restore) come out negative.',
    fix: 'Correct the timestamps.',
  },
  'change.outcome-incomplete': { title: 'Failure without detection time', explanation: 'A failed change with restoredAt but no failureDetectedAt cannot count towards time to restore.', fix: 'Add status.outcome.failureDetectedAt.' },
  'change.outcome-phase': { title: 'Outcome on an unfinished change', explanation: 'An outcome is recorded but the phase is not completed.', fix: 'Set status.phase to completed, or remove the outcome.' },
  'calendar.duplicate-window': { title: 'Window defined twice', explanation: 'Two calendar windows have the same name, so reports and freezes cannot tell them apart.', fix: 'Rename one.' },
  'calendar.timezone': { title: 'Unknown time zone', explanation: 'Time zones are IANA names such as Asia/Seoul or America/New_York; offsets and abbreviations (KST, EST) are not zones.', fix: 'Use an IANA zone name.' },
  'calendar.rrule': { title: 'Invalid recurrence rule', explanation: 'The rrule is not a valid RFC 5545 RECUR value (FREQ is required; weekdays are SU..SA; numbers must be in range).', fix: 'Fix the rule, e.g. FREQ=WEEKLY;BYDAY=TU.' },
  'calendar.window-shape': {
    title: 'Window neither one-off nor recurring',
    explanation: 'A one-off window has start and end with offsets. A recurring window has a local start (no offset), an rrule, a duration and a timeZone, and optionally exdates in local time.',
    fix: 'Give the window one of the two shapes.',
  },
  'calendar.window-order': {
    title: 'Window ends before it starts',
    explanation: 'Every window must last longer than zero: a one-off window must end after it starts, a recurring window needs a duration above zero (0m is refused for both alike).',
    fix: 'Fix start or end, or give the recurring window a positive duration.',
  },
  'calendar.rrule-too-dense': {
    title: 'Window recurs more often than once a minute',
    explanation: 'A recurring window recurs at most once a minute: FREQ=SECONDLY with an INTERVAL under 60 and BYSECOND lists of two or more seconds are refused, whether or not the rule has COUNT or UNTIL. Seconds-long windows are not change windows, and such rules expand to millions of occurrences.',
    fix: 'Use FREQ=MINUTELY or coarser, or a single BYSECOND value.',
  },
  'calendar.rrule-never': {
    title: 'Recurrence rule matches no date',
    explanation: "The rule's filters select no date after the window's start (an INTERVAL that never lands on the BYHOUR or BYMINUTE listed, a BYSETPOS beyond the number of candidates in a period, a day that does not exist), so the window happens once, at its start, and never recurs. A freeze written this way protects nothing after its first occurrence.",
    fix: 'Fix the rule so it recurs (check INTERVAL against the BY* lists), or make the window one-off with an end.',
  },
  'calendar.window-overlap': {
    title: 'Window overlaps itself',
    explanation: "A recurring window's duration is longer than the time between two of its occurrences, so its occurrences overlap one another. That means nothing a single longer window would not, and multiplies the occurrences every calendar question must expand.",
    fix: 'Shorten the duration to at most the time between occurrences, or recur less often.',
  },
  'calendar.expansion-budget': {
    title: 'Calendar range too large to expand',
    explanation: 'Expanding the windows over the range asked for would produce more occurrences than the budget allows (100,000 per window, 200,000 in all), so the answer is refused rather than cut short.',
    fix: 'Ask about a shorter range (--from/--to), or make the window recur less often.',
  },
  'incident.status-incomplete': {
    title: 'Incident status without its timestamps',
    explanation: 'Each status says how far the response got, and the timestamps say when: identified needs detectedAt, monitoring needs mitigatedAt, resolved needs resolvedAt, reviewed needs review.completedAt. Time to detect, acknowledge and restore are read from them.',
    fix: 'Add the missing timestamp, or set the status the incident has really reached.',
  },
  'incident.time-order': {
    title: 'Incident timestamps out of order',
    explanation: 'An incident starts, is detected, acknowledged, mitigated and resolved in that order, and its timeline runs forward; a timestamp out of order is a typo (often a wrong offset) that would make a metric negative.',
    fix: 'Check the offset and the date of the timestamp named.',
  },
  'incident.unknown-severity': {
    title: 'Severity the policy does not define',
    explanation: "An incident's severity is read on the policy's scale (spec.incidents.severities): what it means and how soon its review is due.",
    fix: 'Define the severity in the policy, or use one it defines.',
  },
  'incident.review-overdue': {
    title: 'Incident review overdue',
    explanation: "The policy gives each severity a time after resolution by which its post-incident review is due (spec.incidents.severities.*.reviewWithin); this incident was resolved longer ago than that and spec.review.completedAt is not set. A warning measured at the moment validate runs (or --at): it never changes the exit code, so a commit that passed keeps passing.",
    fix: 'Hold the review and record it (spec.review with completedAt), or correct resolvedAt or the severity.',
  },
  'incident.action-overdue': {
    title: 'Incident action item overdue',
    explanation: "An action item from a post-incident review is still open or in progress after its due date has ended on the organisation's clock. A warning measured at the moment validate runs (or --at): it never changes the exit code.",
    fix: 'Finish it and set state: done, or agree a new due date and write it down.',
  },
  'incident.cause-after-start': {
    title: 'Cause went live after the incident started',
    explanation: 'causedBy names the change requests that caused the incident, so each must have gone live (outcome.implementedAt, or its scheduled start when no outcome is recorded) before the incident started. A later change is a response, not a cause, and would count wrongly in the change failure rate.',
    fix: 'Name the change that was live when the impact began, or correct startedAt or implementedAt.',
  },


  'problem.state-incomplete': {
    title: 'Problem state without what it promises',
    explanation: 'A known error has a root cause and a workaround responders can use; a resolved problem also names the change requests that fixed it.',
    fix: 'Add rootCause, workaround or fixes, or set the state the problem has really reached.',
  },
  'policy.thresholds-order': { title: 'Likelihood thresholds not rising', explanation: 'Likelihood levels 2, 3 and 4 begin at rising point totals; otherwise a level would be unreachable.', fix: 'Make the thresholds strictly increase.' },
  'policy.matrix-monotone': {
    title: 'Risk matrix not monotone',
    explanation: 'A wider exposure, a more critical tier, a higher impact or likelihood should never score lower; a matrix that does is usually a typo and makes scores hard to defend.',
    fix: 'Check the cell named in the message.',
  },
  'policy.unknown-group': { title: 'Unknown approval group', explanation: 'Approval requirements name a key of spec.groups, or owner for the owning teams of the affected services.', fix: 'Add the group to spec.groups or fix the name.' },
  'new.incident-ids-used-up': {
    title: 'No incident id left for the year',
    explanation: 'opsledger new numbers an incident one after the highest id of the current year, and INC-YYYY-9999 already exists, so there is no next one. As for changes, gaps below the highest are not filled, so ids keep following the order incidents were opened in.',
    fix: 'Name a free id with --id INC-YYYY-NNNN, or renumber the incident that took 9999 if it was a typo.',
  },
  'new.ids-used-up': {
    title: 'No change id left for the year',
    explanation: 'opsledger new numbers a change one after the highest id of the current year, and CR-YYYY-9999 already exists, so there is no next one. Ids keep four digits so they sort and read alike everywhere; opsledger does not fill gaps below the highest, because ids would then stop following the order changes were proposed in.',
    fix: 'Name a free id with --id CR-YYYY-NNNN, or renumber the change that took 9999 if it was a typo.',
  },
  'policy.unknown-severity': {
    title: 'Risk factor names an undefined severity',
    explanation: 'likelihood.factors.recentIncidents counts incidents of the severities it lists (sev1 and sev2 when it lists none), and every incident must carry a severity of spec.incidents.severities. A severity missing from that scale matches no incident, so the factor would never add its points and changes would look safer than the policy meant.',
    fix: 'Define the severity under spec.incidents.severities, or list ones defined there in recentIncidents.severities.',
  },
  'policy.readiness-duplicate-rule': {
    title: 'Readiness rule defined twice',
    explanation: 'Two readiness rules have the same id. Scorecards, the catalog and pull-request comments name rules by id, so two rules with one id could not be told apart.',
    fix: 'Rename one of the rules, or merge them.',
  },
  'policy.agenda-duplicate-question': {
    title: 'Agenda question defined twice',
    explanation: 'Two questions in spec.agenda.questions have the same id. The CAB agenda (markdown, JSON) names each open question by its id, so two with one id could not be told apart.',
    fix: 'Rename one of the questions, or remove the repeat.',
  },
  'policy.readiness-within-unused': {
    title: 'within on a readiness check that ignores it',
    explanation: 'within sets how recent a DR test (dr-test) or an SLO status (slo-status) must be; other checks do not look at time, so the value has no effect, which usually means the wrong check was chosen.',
    fix: 'Remove within, or change the check to dr-test or slo-status.',
  },
  'policy.sensitive-path-invalid': {
    title: 'Sensitive path is not a usable glob',
    explanation: 'A pattern in spec.sensitivePaths does not parse as a glob (an unclosed [, { or ( ), is empty, or climbs out of the repository with a .. segment. Read leniently it would match little or nothing, so the files it was meant to protect could change without the extra approvals.',
    fix: 'Close the bracket, brace or parenthesis (or escape it with \\ to match it literally), and write the path from the repository root, e.g. teams/** or {teams,changes}/**.',
  },
  'policy.sensitive-path-unmatched': {
    title: 'Sensitive path matches no file',
    explanation: 'A pattern in spec.sensitivePaths matches no file in the repository (tracked or untracked), so it protects nothing: a misspelt folder, a file that was deleted or moved, or a pattern written for another layout. Paths are matched from the repository root, with dotfiles included; a leading / or ./ means the root.',
    fix: 'Correct the pattern to name the files it should protect, or remove it if those files are gone.',
  },
  'policy.service-path-invalid': {
    title: 'Path tied to a service is not a usable glob',
    explanation: 'A pattern in spec.servicePaths does not parse as a glob (an unclosed [, { or ( ), is empty, or climbs out of the repository with a .. segment. Read leniently it would match little or nothing, so changes to the deploy manifests or infrastructure code it meant would not be held to account as changes to the service.',
    fix: 'Close the bracket, brace or parenthesis (or escape it with \\ to match it literally), and write the path from the repository root, e.g. deploy/payments-api/**.',
  },
  'policy.service-path-unmatched': {
    title: 'Path tied to a service matches no file',
    explanation: 'A pattern in spec.servicePaths matches no file in the repository (tracked or untracked), so the audit never ties a commit to the service through it: a misspelt folder, manifests that moved, or a pattern written for another layout. Paths are matched from the repository root, with dotfiles included; a leading / or ./ means the root.',
    fix: 'Correct the pattern to name the service\'s deploy manifests or infrastructure code, or remove it if those files are gone.',
  },
  // ---- the CAB (#19.3): what the pull request review reports on the pull request's own files
  'cab.service-path-uncovered': {
    title: 'Path tied to a service changed without a change request for it',
    explanation: 'The pull request changes a path the policy ties to a service (spec.servicePaths: deploy manifests, infrastructure code), and no change request it adds or updates covers that service (names it in spec.services, or names a CI it owns). Changing the path changes the service as surely as editing its YAML, so the change needs a change request approved under the usual rules. The map is read from the policy at the pull request\'s base: a pull request that removes the path from the map is still judged by the map before it. The opsledger/cab check stays red, and the gate would not deploy such a change.',
    fix: 'Add a change request for the service to the pull request (opsledger new change), or add the service to the spec.services of the change request the pull request already carries, and have it approved. If the path should not be tied to the service, change spec.servicePaths in a pull request of its own first.',
  },
  'policy.duplicate': {
    title: 'More than one Policy',
    explanation: 'Exactly one Policy is in force: the gate, the CAB and risk read their numbers from it. With two, which one applied would depend on how files sort, and a second file could quietly replace the rules. Each Policy document is reported, naming the others.',
    fix: 'Keep one Policy document and delete or merge the others.',
  },
  'policy.points-precision': {
    title: 'Points finer than a thousandth',
    explanation: 'Likelihood points and thresholds are counted exactly, in thousandths of a point, so 0.7 + 0.1 reaches a threshold of 0.8. A number with more decimals cannot be counted exactly and would be rounded in silence.',
    fix: 'Write the number with at most three decimals, e.g. 0.125.',
  },
  'environment.unknown': {
    title: 'Environment not declared by the policy',
    explanation: 'Every environment written in a change, configuration item, calendar scope, template or the policy\'s environment points must be a name or alias in the Policy\'s spec.environments. An undeclared spelling (prod for production, a typo) would otherwise score no environment points and escape freezes scoped to the real environment.',
    fix: 'Use a declared name, or declare the spelling as an alias of the environment it means (spec.environments[].aliases).',
  },
  'environment.duplicate': {
    title: 'Environment spelt twice',
    explanation: 'A name or alias in spec.environments may mean one environment only, and the environment points may give one environment its points once; otherwise which environment (or which points) applied would depend on the order of the list.',
    fix: 'Remove the repeated name, alias or points key.',
  },
  // ---- audit (#19): exceptions `opsledger audit` reports as findings (exit 1)
  'audit.unauthorised-change': {
    title: 'Change reached the default branch without an approved change request',
    explanation: 'A commit on the default branch changed a service, CI, SLO, team, policy or calendar document, a path the policy calls sensitive, or a path the policy ties to a service (spec.servicePaths: deploy manifests, infrastructure code), and no change request approved in the same pull request covers it (its services and CIs, and the service a tied path belongs to; teams, policy, calendars and sensitive paths need any approved change request or the CAB approval of the pull request). A direct push has no pull request and so no approval at all.',
    fix: 'Raise a retrospective change request for the commit and have it reviewed; protect the default branch (required reviews, the opsledger/cab check) so it cannot happen again.',
  },
  'audit.report-invalid': {
    title: 'Not an audit report opsledger wrote',
    explanation: 'The file given to opsledger catalog --audit is not the JSON report of opsledger audit (--report FILE, or --format json): it does not parse as JSON, or a field the audit page reads is missing or of another type, or a reason is not one opsledger writes. The catalog renders only what it can vouch for, so nothing is built.',
    fix: 'Write the report again with opsledger audit --since 90d --report audit.json (the exit code 1 of a period with exceptions still writes it), and pass that file unedited.',
  },
  'audit.merged-before-approval': {
    title: 'Pull request merged before its change was approved',
    explanation: 'Counting only the reviews GitHub shows submitted before the merge, the change request the pull request adds or updates did not have the approvals its class required at the pull request\'s base. Approvals given after the merge do not authorise what was merged.',
    fix: 'Make the opsledger/cab check required in branch protection; record the late approval and the reason in the change\'s post-implementation review.',
  },
  'audit.deployed-without-gate': {
    title: 'Deployed with no gate record allowing it',
    explanation: 'A GitHub deployment succeeded, or a change recorded its implementation, and no opsledger/gate check run allowing it exists on the deployed commit (for that environment, before the deployment succeeded). Either the pipeline does not run the gate, ran it with --dry-run, or the record was lost.',
    fix: 'Run `opsledger gate` (or the Action, or the App\'s deployment protection rule) in every deploy job, and require it for the environment.',
  },
  'audit.gate-denied-but-deployed': {
    title: 'Deployed after the gate denied it',
    explanation: 'The deployed commit carries opsledger/gate records for the environment, every one of them a denial, and the deployment was still marked successful: the pipeline ignored the gate\'s exit code or someone deployed by hand.',
    fix: 'Make the deploy job fail on the gate\'s exit 1, or use the deployment protection rule so GitHub itself holds the job.',
  },
  'audit.emergency-review-overdue': {
    title: 'Emergency change past its review deadline',
    explanation: 'An emergency change owes a post-implementation review within the policy\'s emergency.reviewWithin of its implementation; the deadline has passed and status.outcome.review is not set.',
    fix: 'Hold the review and record it (`opsledger record` with the review link).',
  },
  'audit.standard-outside-template': {
    title: 'Standard change outside its template',
    explanation: 'The change was declared standard, but at approval (the pull request\'s base policy and templates) its template did not cover it or its risk exceeded the template\'s maximum, so it was a normal change and needed normal approvals.',
    fix: 'Widen the template through its own reviewed change, or declare such changes normal.',
  },
};

export function explainCode(code: string): CodeInfo | undefined {
  return Object.hasOwn(CODES, code) ? CODES[code] : undefined;
}
