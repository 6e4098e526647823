"""Stage: extract.  Takes a document and its measures; gives `Indicator`, `TaskAssignment` and `Agency`.

Indicators: `numbers` and `quantities` find quantities, `quantity_rules`
holds their rule tables, `indicator_context` decides target years and
not-targets, `indicator_tables` reads 主要指标 tables.  Agencies:
`task_division` finds task-division lists, `mentions` names in the body,
`registry` resolves short forms to official names.
"""
