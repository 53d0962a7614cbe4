logit --data @DATA@/lalonde.csv --formula "treat ~ factor(nodegree) + age:married + re74" --format json 
