table1 --data @DATA@/lung.csv --by sex --vars age,ph.ecog,wt.loss,ph.karno,meal.cal,status,pat.karno --categorical ph.ecog,status --nonnormal wt.loss,meal.cal --format json
