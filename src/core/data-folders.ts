/** Where an organisation's documents live by convention; documents are still routed by kind. */
export const DATA_FOLDERS: readonly string[] = ['services', 'teams', 'changes', 'cmdb', 'slos', 'incidents', 'systems', 'apis'];
