"""The brief's language: the fixed words deckgen adds (:mod:`.labels`, :mod:`.catalogue`), dates
and numbers in the locale's form through Babel's CLDR data (:mod:`.formats`), and what each
script needs (:mod:`.scripts`: direction, fonts, line breaking)."""
