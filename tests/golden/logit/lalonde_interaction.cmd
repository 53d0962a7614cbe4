logit --data @DATA@/lalonde.csv --formula "treat ~ age * married + race" --format json 
