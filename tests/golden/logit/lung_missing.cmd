logit --data @TESTS@/golden/data/lung_logit.csv --formula "female ~ age + ph.ecog + ph.karno + wt.loss + meal.cal" --format json 
