logit --data @TESTS@/golden/data/lung_logit.csv --formula "female ~ age + ph.ecog + wt.loss" --format json --weights w
