"""Check-worthiness: how likely a sentence is to hold a factual claim worth checking.

Pure Python, no Django. The pieces, in the order a sentence meets them:

- `scorer`: what every model offers the pipeline (`Scorer`), and the text a model reads;
- `features`: hashed n-grams and hand-made cues, computed for a whole batch with numpy;
- `linear`: the fast linear model over those features (the default without the semantic extra);
- `minilm`: all-MiniLM-L6-v2 with its top layers fine-tuned (needs the semantic extra);
- `artefacts`: how models are stored (arrays in an `.npz`, metadata in the JSON beside it);
- `linear_training`, `minilm_training`: what writes the artefacts in `models/`;
- `data`, `metrics`, `evaluation`: the CheckThat! data, F1 of the check-worthy class, reports.
"""
