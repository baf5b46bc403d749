"""Citations: bibliography files read into CSL items (:mod:`.sources`), CSL styles found and
loaded (:mod:`.styles`), and citations and reference lists formatted by a style (:mod:`.render`); titles cased as
Pandoc's citeproc does (:mod:`.case`) and citeproc-py's repeated lookups done once
(:mod:`.speed`)."""
