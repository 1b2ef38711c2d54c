"""Reading partners' files: front matter and bodies, legacy encodings, attached documents and
Markdown rendering.
"""
