table1 --data @DATA@/lalonde.csv --by treat --vars age,educ,race,married,nodegree,re74,re75,re78 --categorical married,nodegree --nonnormal re74,re75 --format json
