"""Language analysis: analyzers per language, detection, stop words, transliteration, folding and
stemmers.
"""
