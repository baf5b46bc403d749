"""The deck: text measured with real font metrics, the slides planned as pure data, then written with python-pptx."""
