"""Citations: bibliography files read into CSL items (:mod:`.sources`), CSL styles found and
loaded (:mod:`.styles`), and citations and reference lists formatted by a style (:mod:`.render`)."""
