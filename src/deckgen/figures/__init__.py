"""Figures drawn once from the model's data: matplotlib SVG for the PDF, PNG for the deck."""
