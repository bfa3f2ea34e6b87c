"""Themes in the app: run the analysis pipeline over stored comments and keep HR's corrections."""
