"""Stage: structure.  Takes a `NormalisedDocument`; gives its `Measure` outline.

`numbering` recognises labels (`一、`, `（一）`, `1.` …), `outline` ranks them
into a hierarchy, `prose` finds titled paragraphs, and `table_blocks` reads
task-division tables into rows of cells; `parse` chains them.
"""
