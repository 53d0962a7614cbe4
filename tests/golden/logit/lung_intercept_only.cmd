logit --data @TESTS@/golden/data/lung_logit.csv --formula "female ~ 1" --format json 
