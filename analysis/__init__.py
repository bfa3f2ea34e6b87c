"""ExitVoice analysis: themes, periods, disclosure control and reports.

A plain Python package. It never imports Flask; the web app calls it, not the reverse.
"""
