"""The HTML pages: views, the contributors' page, attached files and the presenter that builds
every link a template shows.
"""
