logit --data @TESTS@/golden/data/lalonde_alias.csv --formula "treat ~ age + educ + educ2 + race" --format json 
