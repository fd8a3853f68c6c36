#!/bin/sh
# Rebuilds the shipped tagger and homograph models from ../shared:
#   models/en-ewt-tagger.linm   (UD English EWT train; scored on dev and test)
#   models/en-homographs.linm   (Wikipedia Homograph Data train minus our dev
#                                split; CMUdict; EWT lemmas for the POS table)
# Python 3 standard library only; one core; about 15 minutes on an idle
# 2-core machine. Run from anywhere: paths are relative to the repository.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
shared=${SHARED:-$top/../shared/data}
cd "$top"
python3 tools/train-tagger/train_tagger.py --data "$shared/ud-english-ewt" \
	--iters 8 --out models/en-ewt-tagger.linm
python3 tools/train-tagger/train_homograph.py --tagger models/en-ewt-tagger.linm \
	--data "$shared/homographs" --ewt "$shared/ud-english-ewt" \
	--cmudict data/cmu-pronouncing-dictionary/index.js --iters 10 --tune \
	--out models/en-homographs.linm
