-- mg.optim: every optimizer and option variant against updates recorded from torch 1.13
-- (three steps with gradients set by hand, float64 and float32), parameter groups, zero_grad,
-- state_dict round trips and their checks, the learning-rate schedulers over ten epochs, and
-- gradient clipping (moongrad.nn_utils). The recording script is at the end of this file.
local mg = require 'moongrad'
local h = require 'tests.lua.helpers'

local P0 = {{0.5, -1.0, 2.0}, {1.5, -0.25, 0.75}}
local GRADS = {{{0.1, -0.2, 0.3}, {-0.4, 0.5, -0.6}}, {{-0.3, 0.1, 0.2}, {0.05, -0.15, 0.4}}, {{0.2, 0.2, -0.1}, {0.3, -0.5, 0.25}}}
local CASES = {
  {name = 'SGD plain', kind = 'SGD', opts = {lr = 0.1},
   float64 = {{{0.49, -0.98, 1.97}, {1.54, -0.3, 0.81}}, {{0.52, -0.99, 1.95}, {1.5350000000000001, -0.285, 0.77}}, {{0.5, -1.01, 1.96}, {1.5050000000000001, -0.235, 0.745}}},
   float32 = {{{0.49000000953674316, -0.9800000190734863, 1.9700000286102295}, {1.5399999618530273, -0.30000001192092896, 0.8100000023841858}}, {{0.5200000405311584, -0.9900000095367432, 1.9500000476837158}, {1.534999966621399, -0.2849999964237213, 0.7699999809265137}}, {{0.5000000596046448, -1.0099999904632568, 1.9600000381469727}, {1.5049999952316284, -0.23499999940395355, 0.7450000047683716}}}},
  {name = 'SGD momentum', kind = 'SGD', opts = {lr = 0.1, momentum = 0.9},
   float64 = {{{0.49, -0.98, 1.97}, {1.54, -0.3, 0.81}}, {{0.511, -0.972, 1.923}, {1.571, -0.33, 0.8240000000000001}}, {{0.5099, -0.9848, 1.8907}, {1.5689, -0.307, 0.8116000000000001}}},
   float32 = {{{0.49000000953674316, -0.9800000190734863, 1.9700000286102295}, {1.5399999618530273, -0.30000001192092896, 0.8100000023841858}}, {{0.5110000371932983, -0.972000002861023, 1.9229999780654907}, {1.5709999799728394, -0.33000001311302185, 0.8240000009536743}}, {{0.5099000334739685, -0.9847999811172485, 1.8906999826431274}, {1.5688999891281128, -0.3070000112056732, 0.8116000294685364}}}},
  {name = 'SGD nesterov', kind = 'SGD', opts = {lr = 0.1, momentum = 0.9, nesterov = true},
   float64 = {{{0.481, -0.962, 1.943}, {1.576, -0.345, 0.864}}, {{0.5298999999999999, -0.9648, 1.8807}, {1.5989, -0.357, 0.8366}}, {{0.50891, -0.99632, 1.8616300000000001}, {1.56701, -0.2863, 0.80044}}},
   float32 = {{{0.48100000619888306, -0.9620000123977661, 1.9429999589920044}, {1.5759999752044678, -0.3449999988079071, 0.8640000224113464}}, {{0.5299000144004822, -0.9648000001907349, 1.8806999921798706}, {1.5988999605178833, -0.3569999933242798, 0.8366000056266785}}, {{0.5089100003242493, -0.9963200092315674, 1.8616299629211426}, {1.5670099258422852, -0.28630000352859497, 0.8004400134086609}}}},
  {name = 'SGD dampening', kind = 'SGD', opts = {lr = 0.1, momentum = 0.9, dampening = 0.5},
   float64 = {{{0.49, -0.98, 1.97}, {1.54, -0.3, 0.81}}, {{0.496, -0.967, 1.933}, {1.5735000000000001, -0.33749999999999997, 0.8440000000000001}}, {{0.4914, -0.9652999999999999, 1.9047}, {1.5886500000000001, -0.34624999999999995, 0.8621000000000001}}},
   float32 = {{{0.49000000953674316, -0.9800000190734863, 1.9700000286102295}, {1.5399999618530273, -0.30000001192092896, 0.8100000023841858}}, {{0.4960000216960907, -0.9670000076293945, 1.9329999685287476}, {1.5734999179840088, -0.3375000059604645, 0.843999981880188}}, {{0.4914000332355499, -0.9653000235557556, 1.9046999216079712}, {1.588649868965149, -0.3462499976158142, 0.8621000051498413}}}},
  {name = 'SGD weight_decay', kind = 'SGD', opts = {lr = 0.1, weight_decay = 0.1},
   float64 = {{{0.485, -0.97, 1.95}, {1.525, -0.2975, 0.8025}}, {{0.51015, -0.9702999999999999, 1.9104999999999999}, {1.5047499999999998, -0.27952499999999997, 0.754475}}, {{0.4850485, -0.9805969999999999, 1.901395}, {1.4597025, -0.22672974999999995, 0.72193025}}},
   float32 = {{{0.48499998450279236, -0.9699999690055847, 1.9500000476837158}, {1.524999976158142, -0.29750001430511475, 0.8025000095367432}}, {{0.5101500153541565, -0.9702999591827393, 1.9105000495910645}, {1.5047500133514404, -0.2795250117778778, 0.7544749975204468}}, {{0.4850485026836395, -0.9805969595909119, 1.9013950824737549}, {1.459702491760254, -0.22672976553440094, 0.7219302654266357}}}},
  {name = 'SGD momentum weight_decay', kind = 'SGD', opts = {lr = 0.1, momentum = 0.5, weight_decay = 0.01},
   float64 = {{{0.4895, -0.979, 1.968}, {1.5385, -0.29975, 0.80925}}, {{0.5137605, -0.977521, 1.930032}, {1.5512115, -0.30932525, 0.79806575}}, {{0.5053769895, -0.995803979, 1.919117968}, {1.5260160385, -0.26380354975, 0.76667555925}}},
   float32 = {{{0.4894999861717224, -0.9789999723434448, 1.968000054359436}, {1.5384999513626099, -0.2997500002384186, 0.809249997138977}}, {{0.513760507106781, -0.9775209426879883, 1.9300320148468018}, {1.5512114763259888, -0.309325248003006, 0.798065721988678}}, {{0.5053769946098328, -0.995803952217102, 1.9191179275512695}, {1.5260159969329834, -0.26380354166030884, 0.7666755318641663}}}},
  {name = 'Adam', kind = 'Adam', opts = {lr = 0.01},
   float64 = {{{0.4900000009999999, -0.9900000005, 1.9900000003333334}, {1.50999999975, -0.2599999998, 0.7599999998333333}}, {{0.49494189911200653, -0.9873366302718677, 1.9802964794330102}, {1.5157253453063788, -0.2642784855991101, 0.7614452051021525}}, {{0.4947540221765934, -0.9900635980238934, 1.9747775607211318}, {1.5154582045646003, -0.26224483666625376, 0.7604065388333628}}},
   float32 = {{{0.49000000953674316, -0.9900000095367432, 1.9900000095367432}, {1.5099999904632568, -0.25999999046325684, 0.7599999904632568}}, {{0.49494192004203796, -0.9873366355895996, 1.9802964925765991}, {1.5157253742218018, -0.26427847146987915, 0.7614452242851257}}, {{0.49475404620170593, -0.9900636076927185, 1.9747775793075562}, {1.5154582262039185, -0.2622448205947876, 0.7604065537452698}}}},
  {name = 'Adam weight_decay betas', kind = 'Adam', opts = {lr = 0.01, weight_decay = 0.1, betas = {0.8, 0.99}},
   float64 = {{{0.4900000006666666, -0.9900000003333334, 1.9900000002}, {1.5099999996, -0.2599999997894737, 0.7599999998095238}}, {{0.4935157013807001, -0.9837250452064238, 1.9801810923845526}, {1.5099754938990515, -0.2631700986029795, 0.7593789901933949}}, {{0.4908491353659355, -0.9817096128431427, 1.972071186450075}, {1.504194033848502, -0.2596432071417196, 0.756000372939282}}},
   float32 = {{{0.49000000953674316, -0.9900000095367432, 1.9900000095367432}, {1.5099999904632568, -0.25999999046325684, 0.7599999904632568}}, {{0.4935157001018524, -0.9837250709533691, 1.980181097984314}, {1.5099754333496094, -0.2631700932979584, 0.759378969669342}}, {{0.4908491373062134, -0.9817096590995789, 1.9720711708068848}, {1.5041940212249756, -0.25964319705963135, 0.7560003399848938}}}},
  {name = 'Adam amsgrad', kind = 'Adam', opts = {lr = 0.01, amsgrad = true},
   float64 = {{{0.4900000009999999, -0.9900000005, 1.9900000003333334}, {1.50999999975, -0.2599999998, 0.7599999998333333}}, {{0.49494189911200653, -0.9873366302718677, 1.9802964794330102}, {1.5157253453063788, -0.2642784855991101, 0.7614452051021525}}, {{0.4947540221765934, -0.9900635980238934, 1.9747775607211318}, {1.5154582045646003, -0.26224483666625376, 0.7604065388333628}}},
   float32 = {{{0.49000000953674316, -0.9900000095367432, 1.9900000095367432}, {1.5099999904632568, -0.25999999046325684, 0.7599999904632568}}, {{0.49494192004203796, -0.9873366355895996, 1.9802964925765991}, {1.5157253742218018, -0.26427847146987915, 0.7614452242851257}}, {{0.49475404620170593, -0.9900636076927185, 1.9747775793075562}, {1.5154582262039185, -0.2622448205947876, 0.7604065537452698}}}},
  {name = 'AdamW', kind = 'AdamW', opts = {lr = 0.01},
   float64 = {{{0.4899500009999999, -0.9899000005, 1.9898000003333334}, {1.50984999975, -0.2599749998, 0.7599249998333333}}, {{0.49484290411190657, -0.9871376402718177, 1.979897499432977}, {1.5154243603064037, -0.2642274880991301, 0.7612942126021691}}, {{0.4946055428860823, -0.9897658942598163, 1.9741805909711552}, {1.5150056771285947, -0.2621674164174638, 0.7601794169121192}}},
   float32 = {{{0.4899500012397766, -0.9898999929428101, 1.989799976348877}, {1.509850025177002, -0.25997498631477356, 0.7599250078201294}}, {{0.49484291672706604, -0.9871376156806946, 1.9798974990844727}, {1.515424370765686, -0.2642274796962738, 0.7612942457199097}}, {{0.49460554122924805, -0.9897658824920654, 1.9741805791854858}, {1.5150057077407837, -0.26216739416122437, 0.7601794600486755}}}},
  {name = 'AdamW weight_decay amsgrad', kind = 'AdamW', opts = {lr = 0.01, weight_decay = 0.1, amsgrad = true, eps = 1e-06},
   float64 = {{{0.489500099999, -0.98900004999975, 1.9880000333332222}, {1.5084999750000625, -0.25974998000004, 0.7592499833333611}}, {{0.4939524761356505, -0.9853476964002016, 1.9763085500827804}, {1.512716800691706, -0.26376870434166955, 0.7599359358126446}}, {{0.49327064758500977, -0.9870893008692038, 1.9688133481200878}, {1.510936944060961, -0.26147129152869686, 0.7581373359422198}}},
   float32 = {{{0.48950010538101196, -0.9890000820159912, 1.9880000352859497}, {1.5084999799728394, -0.25974997878074646, 0.7592499852180481}}, {{0.4939524829387665, -0.9853477478027344, 1.9763085842132568}, {1.5127168893814087, -0.2637687027454376, 0.7599359154701233}}, {{0.4932706654071808, -0.9870893955230713, 1.968813419342041}, {1.5109370946884155, -0.26147130131721497, 0.7581373453140259}}}},
  {name = 'RMSprop', kind = 'RMSprop', opts = {lr = 0.01},
   float64 = {{{0.40000009999990005, -0.9000000499999751, 1.9000000333333222}, {1.5999999750000062, -0.349999980000004, 0.849999983333336}}, {{0.49491586954512934, -0.9449013553453876, 1.844337014826047}, {1.58753498673392, -0.3211324720960772, 0.7943369570801307}}, {{0.44125259215239343, -1.0119023499828725, 1.8712747508264407}, {1.5274497373741414, -0.2516142423015601, 0.7613316406565611}}},
   float32 = {{{0.40000009536743164, -0.9000000357627869, 1.9000000953674316}, {1.600000023841858, -0.34999996423721313, 0.8499999642372131}}, {{0.4949158728122711, -0.9449013471603394, 1.8443371057510376}, {1.58753502368927, -0.32113245129585266, 0.7943369150161743}}, {{0.44125258922576904, -1.0119023323059082, 1.8712748289108276}, {1.5274497270584106, -0.25161421298980713, 0.7613316178321838}}}},
  {name = 'RMSprop centered', kind = 'RMSprop', opts = {lr = 0.01, centered = true},
   float64 = {{{0.3994963194840783, -0.899496268979104, 1.8994962521441012}, {1.6005037562734024, -0.35050376132390504, 0.8505037646909072}}, {{0.49460459959780656, -0.9444411085178231, 1.8432929639958864}, {1.5879921353976933, -0.3215724134850838, 0.7948204433256346}}, {{0.44094132023453414, -1.0114820100153175, 1.8703821757810586}, {1.5279047050673604, -0.2520373077193345, 0.7618141612564175}}},
   float32 = {{{0.39949631690979004, -0.8994962573051453, 1.8994961977005005}, {1.6005038022994995, -0.35050374269485474, 0.8505037426948547}}, {{0.49460458755493164, -0.9444410800933838, 1.8432929515838623}, {1.5879921913146973, -0.3215723931789398, 0.7948204278945923}}, {{0.44094130396842957, -1.0114820003509521, 1.8703821897506714}, {1.527904748916626, -0.25203728675842285, 0.7618141174316406}}}},
  {name = 'RMSprop momentum', kind = 'RMSprop', opts = {lr = 0.01, momentum = 0.9},
   float64 = {{{0.40000009999990005, -0.9000000499999751, 1.9000000333333222}, {1.5999999750000062, -0.34999998000000393, 0.849999983333336}}, {{0.4049159595450394, -0.8549014003453651, 1.7543370448260371}, {1.6775349642339255, -0.4111324540960807, 0.8843369420801331}}, {{0.3556769557429289, -0.8813136102937011, 1.6501780911698742}, {1.6872312051846743, -0.39663345098803265, 0.8822348885286809}}},
   float32 = {{{0.40000009536743164, -0.9000000357627869, 1.899999976158142}, {1.600000023841858, -0.34999996423721313, 0.8499999642372131}}, {{0.4049159586429596, -0.8549013733863831, 1.754336953163147}, {1.677535057067871, -0.41113242506980896, 0.8843368887901306}}, {{0.35567694902420044, -0.8813135623931885, 1.6501779556274414}, {1.6872313022613525, -0.39663341641426086, 0.8822348117828369}}}},
  {name = 'RMSprop centered momentum weight_decay', kind = 'RMSprop', opts = {lr = 0.01, alpha = 0.9, centered = true, momentum = 0.5, weight_decay = 0.1},
   float64 = {{{0.4666666740740724, -0.9666666703703699, 1.9666666688888887}, {1.5333333288888895, -0.2833333309941522, 0.7833333312169314}}, {{0.4778023484746073, -0.9503877596812319, 1.9274947962635622}, {1.5294126425701824, -0.288206560175599, 0.7780954473436644}}, {{0.4620749280838344, -0.9538320363565566, 1.9023625789320897}, {1.5000992820320005, -0.2665498986447106, 0.7611771444519737}}},
   float32 = {{{0.46666666865348816, -0.9666666984558105, 1.9666666984558105}, {1.5333333015441895, -0.28333333134651184, 0.7833333015441895}}, {{0.4778023362159729, -0.9503877758979797, 1.9274948835372925}, {1.5294126272201538, -0.288206547498703, 0.7780954241752625}}, {{0.4620749056339264, -0.9538320302963257, 1.9023627042770386}, {1.5000993013381958, -0.26654988527297974, 0.761177122592926}}}},
  {name = 'Adagrad', kind = 'Adagrad', opts = {lr = 0.1},
   float64 = {{{0.4000000001, -0.90000000005, 1.9000000000333332}, {1.599999999975, -0.34999999998, 0.8499999999833333}}, {{0.49486832987505136, -0.9447213595799958, 1.844529980426195}, {1.587596526519156, -0.32126521142887005, 0.7945299803685026}}, {{0.4414160815068522, -1.0113880262244404, 1.8712561046102945}, {1.527894295118438, -0.25209376505183195, 0.7617738912687736}}},
   float32 = {{{0.3999999761581421, -0.8999999761581421, 1.899999976158142}, {1.600000023841858, -0.3499999940395355, 0.8500000238418579}}, {{0.49486830830574036, -0.9447213411331177, 1.8445299863815308}, {1.5875965356826782, -0.32126519083976746, 0.7945300340652466}}, {{0.44141605496406555, -1.0113880634307861, 1.8712561130523682}, {1.5278942584991455, -0.25209373235702515, 0.761773943901062}}}},
  {name = 'Adagrad lr_decay', kind = 'Adagrad', opts = {lr = 0.1, lr_decay = 0.5, weight_decay = 0.1, initial_accumulator_value = 0.1},
   float64 = {{{0.45714285715510206, -0.9311752798546209, 1.915484574541434}, {1.5620173672792197, -0.3332405113096941, 0.8356607867130638}}, {{0.49632811999541626, -0.9322277802431521, 1.8786906261646856}, {1.5316572224667986, -0.3128494302642332, 0.7943663491943492}}, {{0.47133872449741165, -0.9441228321180092, 1.872544771247105}, {1.4962872397578342, -0.2796828724290589, 0.7749269514497678}}},
   float32 = {{{0.4571428596973419, -0.9311752915382385, 1.9154845476150513}, {1.5620173215866089, -0.3332405090332031, 0.8356608152389526}}, {{0.49632811546325684, -0.9322277903556824, 1.8786906003952026}, {1.5316572189331055, -0.3128494322299957, 0.7943663597106934}}, {{0.4713387191295624, -0.944122850894928, 1.872544765472412}, {1.496287226676941, -0.27968287467956543, 0.7749269604682922}}}},
}
local ADAM_STATE = {step = 3, exp_avg = {{0.0011, 0.012799999999999995, 0.032299999999999995}, {0.002099999999999991, -0.022999999999999993, 0.012400000000000001}}, exp_avg_sq = {{0.0001398900100000001, 8.99100400000001e-05, 0.00013978009000000012}, {0.00025217766000000026, 0.0005219777500000005, 0.0005816203600000005}}, max_exp_avg_sq = {{0.0001398900100000001, 8.99100400000001e-05, 0.00013978009000000012}, {0.00025217766000000026, 0.0005219777500000005, 0.0005816203600000005}}}
local GROUPS = {ga = {{0.3, -0.1}, {0.2, 0.4}, {-0.5, 0.1}}, gb = {{{1.0}, {-1.0}}, {{0.5}, {0.5}}, {{-0.2}, {0.3}}}, a = {{0.97, -1.99}, {0.9229999999999999, -2.021}, {0.9307, -2.0589}}, b = {{{0.49}, {0.26}}, {{0.476}, {0.264}}, {{0.4654}, {0.2646}}}}
local SCHEDULES = {
  {'StepLR', {step_size = 3, gamma = 0.5}, lrs = {0.1}, expected = {{0.1}, {0.1}, {0.1}, {0.05}, {0.05}, {0.05}, {0.025}, {0.025}, {0.025}, {0.0125}, {0.0125}}},
  {'StepLR', {step_size = 2}, lrs = {0.1, 0.02}, expected = {{0.1, 0.02}, {0.1, 0.02}, {0.010000000000000002, 0.002}, {0.010000000000000002, 0.002}, {0.0010000000000000002, 0.0002}, {0.0010000000000000002, 0.0002}, {0.00010000000000000003, 2e-05}, {0.00010000000000000003, 2e-05}, {1.0000000000000004e-05, 2.0000000000000003e-06}, {1.0000000000000004e-05, 2.0000000000000003e-06}, {1.0000000000000004e-06, 2.0000000000000004e-07}}},
  {'ExponentialLR', {gamma = 0.9}, lrs = {0.1}, expected = {{0.1}, {0.09000000000000001}, {0.08100000000000002}, {0.07290000000000002}, {0.06561000000000002}, {0.05904900000000002}, {0.05314410000000002}, {0.04782969000000002}, {0.043046721000000024}, {0.03874204890000002}, {0.03486784401000002}}},
  {'CosineAnnealingLR', {T_max = 4, eta_min = 0.01}, lrs = {0.1, 0.5}, expected = {{0.1, 0.5}, {0.08681980515339464, 0.4282411613907041}, {0.05500000000000001, 0.255}, {0.023180194846605363, 0.08175883860929586}, {0.01, 0.01}, {0.023180194846605363, 0.08175883860929584}, {0.05500000000000002, 0.255}, {0.08681980515339469, 0.42824116139070423}, {0.10000000000000006, 0.5000000000000001}, {0.0868198051533947, 0.4282411613907043}, {0.05500000000000005, 0.2550000000000001}}},
  {'CosineAnnealingLR', {T_max = 10}, lrs = {0.1}, expected = {{0.1}, {0.09755282581475769}, {0.09045084971874738}, {0.07938926261462367}, {0.06545084971874739}, {0.05000000000000001}, {0.03454915028125264}, {0.020610737385376353}, {0.009549150281252635}, {0.002447174185242324}, {0.0}}},
  {'LinearLR', {}, lrs = {0.1}, expected = {{0.03333333333333333}, {0.04666666666666667}, {0.060000000000000005}, {0.07333333333333335}, {0.08666666666666668}, {0.1}, {0.1}, {0.1}, {0.1}, {0.1}, {0.1}}},
  {'LinearLR', {start_factor = 1.0, end_factor = 0.1, total_iters = 4}, lrs = {0.1, 0.3}, expected = {{0.1, 0.3}, {0.07750000000000001, 0.23249999999999998}, {0.055000000000000014, 0.165}, {0.03250000000000001, 0.0975}, {0.01, 0.029999999999999992}, {0.01, 0.029999999999999992}, {0.01, 0.029999999999999992}, {0.01, 0.029999999999999992}, {0.01, 0.029999999999999992}, {0.01, 0.029999999999999992}, {0.01, 0.029999999999999992}}},
}
local CLIP_GA, CLIP_GB = {{3.0, -4.0}, {1.0, 2.0}}, {0.5, -12.0, 0.25}
local CLIPS = {
  {max_norm = 5.0, norm_type = 2.0, dtype = 'float64', total = 13.202745926510893, a = {{1.1361272077313134, -1.5148362769750845}, {0.3787090692437711, 0.7574181384875422}}, b = {0.18935453462188556, -4.5445088309252535, 0.09467726731094278}},
  {max_norm = 5.0, norm_type = 2.0, dtype = 'float32', total = 13.202746391296387, a = {{1.136127233505249, -1.514836311340332}, {0.378709077835083, 0.757418155670166}}, b = {0.1893545389175415, -4.544508934020996, 0.09467726945877075}},
  {max_norm = 1.0, norm_type = 1.0, dtype = 'float64', total = 22.75, a = {{0.1318681260717307, -0.17582416809564094}, {0.043956042023910236, 0.08791208404782047}}, b = {0.021978021011955118, -0.5274725042869228, 0.010989010505977559}},
  {max_norm = 1.0, norm_type = 1.0, dtype = 'float32', total = 22.75, a = {{0.1318681240081787, -0.17582416534423828}, {0.04395604133605957, 0.08791208267211914}}, b = {0.021978020668029785, -0.5274724960327148, 0.010989010334014893}},
  {max_norm = 2.0, norm_type = math.huge, dtype = 'float64', total = 12.0, a = {{0.4999999583333369, -0.6666666111111158}, {0.16666665277777895, 0.3333333055555579}}, b = {0.08333332638888948, -1.9999998333333475, 0.04166666319444474}},
  {max_norm = 2.0, norm_type = math.huge, dtype = 'float32', total = 12.0, a = {{0.4999999701976776, -0.6666666269302368}, {0.1666666567325592, 0.3333333134651184}}, b = {0.0833333283662796, -1.9999998807907104, 0.0416666641831398}},
  {max_norm = 100.0, norm_type = 2.0, dtype = 'float64', total = 13.202745926510893, a = {{3.0, -4.0}, {1.0, 2.0}}, b = {0.5, -12.0, 0.25}},
  {max_norm = 100.0, norm_type = 2.0, dtype = 'float32', total = 13.202746391296387, a = {{3.0, -4.0}, {1.0, 2.0}}, b = {0.5, -12.0, 0.25}},
  {max_norm = 3.0, norm_type = 3.0, dtype = 'float64', total = 12.227467952164405, a = {{0.7360476673634813, -0.981396889817975}, {0.24534922245449375, 0.4906984449089875}}, b = {0.12267461122724688, -2.944190669453925, 0.06133730561362344}},
  {max_norm = 3.0, norm_type = 3.0, dtype = 'float32', total = 12.227469444274902, a = {{0.736047625541687, -0.9813967943191528}, {0.2453491985797882, 0.4906983971595764}}, b = {0.1226745992898941, -2.944190502166748, 0.06133729964494705}},
}
local CLIP_VALUE = {a = {{1.5, -1.5}, {1.0, 1.5}}, b = {0.5, -1.5, 0.25}}

local optim = mg.optim
local utils = require 'moongrad.nn_utils'

local function tensor(v, dtype, requires_grad)
  return mg.tensor(v, {dtype = dtype or 'float64', requires_grad = requires_grad})
end

-- Tolerances: float64 runs follow torch's float64 ones to rounding; float32 runs differ by
-- the last bits, as moongrad's kernels compute each element in double.
local TOL = {float64 = {1e-12, 1e-15}, float32 = {2e-6, 1e-7}}

local function close(actual, expected, dtype)
  h.assert_close(actual, expected, TOL[dtype or 'float64'][1], TOL[dtype or 'float64'][2])
end

-- A parameter at P0 and an optimizer of case, stepped with GRADS[from..to].
local function stepped(case, dtype, to, p, opt)
  p = p or tensor(P0, dtype, true)
  opt = opt or optim[case.kind]({p}, case.opts)
  for s = 1, to do
    p.grad = tensor(GRADS[s], dtype)
    opt:step()
  end
  return p, opt
end

local function case_named(name)
  for _, case in ipairs(CASES) do
    if case.name == name then return case end
  end
end

describe('optimizers match torch 1.13 step by step', function()
  for _, case in ipairs(CASES) do
    for _, dtype in ipairs{'float64', 'float32'} do
      it(case.name .. ' (' .. dtype .. ')', function()
        local p = tensor(P0, dtype, true)
        local opt = optim[case.kind]({p}, case.opts)
        for s = 1, 3 do
          p.grad = tensor(GRADS[s], dtype)
          opt:step()
          close(p, case[dtype][s], dtype)
        end
        assert.are.equal(dtype, p.dtype)
        assert.is_true(p.requires_grad)
      end)
    end
  end

  it('keeps the state PyTorch keeps (Adam with amsgrad)', function()
    local p, opt = stepped(case_named('Adam amsgrad'), 'float64', 3)
    local s = opt.state[p]
    assert.are.equal(ADAM_STATE.step, s.step)
    close(s.exp_avg, ADAM_STATE.exp_avg)
    close(s.exp_avg_sq, ADAM_STATE.exp_avg_sq)
    close(s.max_exp_avg_sq, ADAM_STATE.max_exp_avg_sq)
  end)

  it('skips parameters without a gradient', function()
    local p, q = tensor(P0, nil, true), tensor({1, 2}, nil, true)
    local opt = optim.Adam({p, q}, {lr = 0.01})
    for s = 1, 3 do
      p.grad = tensor(GRADS[s])
      opt:step()
    end
    close(p, case_named('Adam').float64[3])
    close(q, {1, 2})
    assert.is_nil(opt.state[q])
  end)

  it('uses each group\'s options, the rest from the defaults', function()
    local a, b = tensor({1, -2}, nil, true), tensor({{0.5}, {0.25}}, nil, true)
    local opt = optim.SGD({{params = {a}, lr = 0.1}, {params = {b}}}, {lr = 0.01, momentum = 0.9})
    assert.are.equal(0.1, opt.param_groups[1].lr)
    assert.are.equal(0.01, opt.param_groups[2].lr)
    assert.are.equal(0.9, opt.param_groups[1].momentum)
    assert.are.equal(false, opt.param_groups[2].nesterov)
    for s = 1, 3 do
      a.grad, b.grad = tensor(GROUPS.ga[s]), tensor(GROUPS.gb[s])
      opt:step()
      close(a, GROUPS.a[s])
      close(b, GROUPS.b[s])
    end
  end)

  it('takes a changed group.lr at the next step', function()
    local p = tensor({1, 2}, nil, true)
    local opt = optim.SGD({p}, {lr = 0.5})
    p.grad = tensor({1, -1})
    opt:step()
    opt.param_groups[1].lr = 0.25
    opt:step()
    close(p, {0.25, 2.75})
  end)

  it('accepts a single tensor, a group\'s single tensor, and add_param_group', function()
    local p, q = tensor({1}, nil, true), tensor({2}, nil, true)
    local opt = optim.SGD(p, {lr = 1})
    opt:add_param_group({params = q, lr = 2})
    assert.are.equal(2, #opt.param_groups)
    p.grad, q.grad = tensor({1}), tensor({1})
    opt:step()
    close(p, {0})
    close(q, {0})
  end)

  it('runs a closure and returns its loss', function()
    local p = tensor({1}, nil, true)
    local opt = optim.SGD({p}, {lr = 1})
    local calls = 0
    local loss = opt:step(function()
      calls = calls + 1
      p.grad = tensor({0.5})
      return 42
    end)
    assert.are.equal(42, loss)
    assert.are.equal(1, calls)
    close(p, {0.5})
  end)

  it('zero_grad forgets every gradient, or zeroes it with set_to_none = false', function()
    local p, q = tensor({1, 2}, nil, true), tensor({3}, nil, true)
    local opt = optim.SGD({{params = {p}}, {params = {q}}}, {lr = 0.1})
    p.grad, q.grad = tensor({1, 1}), tensor({2})
    opt:zero_grad()
    assert.is_nil(p.grad)
    assert.is_nil(q.grad)
    opt:step() -- nothing to do
    close(p, {1, 2})
    p.grad = tensor({1, 1})
    opt:zero_grad({set_to_none = false})
    close(p.grad, {0, 0})
  end)

  it('prints its groups', function()
    local opt = optim.Adam({tensor({1}, nil, true)})
    local s = tostring(opt)
    assert.truthy(s:find('Adam (', 1, true))
    assert.truthy(s:find('betas: {0.9, 0.999}', 1, true))
    assert.truthy(s:find('lr: 0.001', 1, true))
  end)
end)

-- torch 1.13, float64: nn.Embedding(5, 3, sparse=True) with these weights,
-- optim.SparseAdam(lr=0.1, betas=(0.8, 0.9), eps=1e-6), loss ((emb(ids).sum(1) - t) ** 2).mean()
-- for ids [1, 3, 1], [0, 4], [3, 3, 2] (0-based there) and t = 0.5, -1, 2, each step's weights.
describe('SparseAdam', function()
  local start = {{0.1, -0.2, 0.3}, {0.4, 0.5, -0.6}, {-0.7, 0.8, 0.9}, {1.0, -1.1, 1.2}, {0.0, 0.2, -0.4}}
  local expected = {
    {{0.1, -0.2, 0.3}, {0.4999988141599398, 0.5999988141599397, -0.5000011858400601}, {-0.7, 0.8, 0.9},
     {0.9000007905631651, -1.199999209436835, 1.100000790563165}, {0.0, 0.2, -0.4}},
    {{0.023422153177621766, -0.27657784682237824, 0.22342215317762176},
     {0.4999988141599398, 0.5999988141599397, -0.5000011858400601}, {-0.7, 0.8, 0.9},
     {0.9000007905631651, -1.199999209436835, 1.100000790563165},
     {-0.07657774592260448, 0.12342225407739553, -0.4765777459226045}},
    {{0.023422153177621766, -0.27657784682237824, 0.22342215317762176},
     {0.4999988141599398, 0.5999988141599397, -0.5000011858400601},
     {-0.632532788741663, 0.867467211258337, 0.967467211258337},
     {0.9525178438064502, -1.1474821561935498, 1.1525178438064503},
     {-0.07657774592260448, 0.12342225407739553, -0.4765777459226045}}}

  -- a dense gradient (its rows that are not zero) or a sparse one (the rows looked up, as torch)
  for _, sparse in ipairs{false, true} do
    it(('moves only the rows with a gradient, as torch.optim.SparseAdam (%s gradient)'):format(sparse and 'sparse' or 'dense'),
       function()
      local emb = mg.nn.Embedding(5, 3, {dtype = 'float64', sparse = sparse})
      mg.no_grad(function() emb.weight:copy_(mg.tensor(start, {dtype = 'float64'})) end)
      local opt = mg.optim.SparseAdam(emb:parameters(), {lr = 0.1, betas = {0.8, 0.9}, eps = 1e-6})
      for k, ids in ipairs{{2, 4, 2}, {1, 5}, {4, 4, 3}} do
        opt:zero_grad()
        local loss = ((emb(mg.tensor(ids, {dtype = 'int64'})):sum(2) - ({0.5, -1.0, 2.0})[k]) ^ 2):mean()
        loss:backward()
        opt:step()
        h.assert_close(expected[k], emb.weight:totable(), 1e-12)
      end
      local state = opt.state[emb.weight]
      assert.are.equal(3, state.step)
      h.assert_close({0.24, -0.05333333333333331, -0.1333333333333333, -0.25599936754946795, 0.16},
                     state.exp_avg:select(2, 1):totable(), 1e-12)
    end)
  end
end)

describe('optimizer state_dict', function()
  local round_trips = {'SGD momentum', 'SGD nesterov', 'Adam amsgrad', 'AdamW',
                       'RMSprop centered momentum weight_decay', 'Adagrad lr_decay'}
  for _, name in ipairs(round_trips) do
    it('saved after 2 steps and loaded into a fresh optimizer gives the 3rd step (' .. name .. ')', function()
      local case = case_named(name)
      local _, first = stepped(case, 'float64', 2)
      local sd = first:state_dict()
      -- the saved tensors are copies: more steps of the first optimizer do not change them
      first.param_groups[1].params[1].grad = tensor(GRADS[3])
      first:step()
      local p = tensor(case.float64[2], nil, true)
      local fresh = optim[case.kind]({p}, {lr = 123})
      fresh:load_state_dict(sd)
      assert.are.equal(case.opts.lr, fresh.param_groups[1].lr)
      p.grad = tensor(GRADS[3])
      fresh:step()
      close(p, case.float64[3])
    end)
  end

  it('has PyTorch\'s layout, parameters numbered through the groups', function()
    local a, b, c = tensor({1}, nil, true), tensor({2}, nil, true), tensor({{3, 4}}, nil, true)
    local opt = optim.Adam({{params = {a, b}}, {params = {c}, lr = 0.1, betas = {0.5, 0.6}}})
    a.grad, c.grad = tensor({1}), tensor({{1, 1}})
    opt:step()
    opt:step()
    local sd = opt:state_dict()
    assert.are.same({1, 2}, sd.param_groups[1].params)
    assert.are.same({3}, sd.param_groups[2].params)
    assert.are.equal(0.001, sd.param_groups[1].lr)
    assert.are.same({0.5, 0.6}, sd.param_groups[2].betas)
    assert.are.equal(2, sd.state[1].step)
    assert.is_nil(sd.state[2])
    assert.are.same({1, 2}, sd.state[3].exp_avg.shape)
    assert.is_false(rawequal(sd.state[3].exp_avg, opt.state[c].exp_avg))
    sd.param_groups[2].betas[1] = 0 -- a copy, not the group's own table
    assert.are.equal(0.5, opt.param_groups[2].betas[1])
  end)

  it('Adagrad has state from the start, as PyTorch', function()
    local p = tensor({1, 2}, nil, true)
    local sd = optim.Adagrad({p}, {initial_accumulator_value = 0.5}):state_dict()
    assert.are.equal(0, sd.state[1].step)
    close(sd.state[1].sum, {0.5, 0.5})
  end)

  local function snapshot(opt)
    local sd = opt:state_dict()
    local s = sd.state[1]
    return {lr = sd.param_groups[1].lr, step = s.step, exp_avg = s.exp_avg:totable(),
            exp_avg_sq = s.exp_avg_sq:totable()}
  end

  it('refuses a state of the wrong shape and changes nothing', function()
    local p = tensor(P0, nil, true)
    local opt = optim.Adam({p}, {lr = 0.01})
    p.grad = tensor(GRADS[1])
    opt:step()
    local before = snapshot(opt)
    local sd = opt:state_dict()
    sd.param_groups[1].lr = 0.5
    sd.state[1].step = 7
    sd.state[1].exp_avg_sq = mg.zeros(3, {dtype = 'float64'})
    h.assert_error_with(function() opt:load_state_dict(sd) end,
                        'Adam: load_state_dict: exp_avg_sq of parameter 1 has shape {3}, expected {2,3}')
    assert.are.same(before, snapshot(opt))
    p.grad = tensor(GRADS[2])
    opt:step() -- still the uninterrupted run
    close(p, case_named('Adam').float64[2])
  end)

  it('refuses mismatched groups, parameters, options and state', function()
    local p, q = tensor({1, 2}, nil, true), tensor({3}, nil, true)
    local opt = optim.SGD({p, q}, {lr = 0.1, momentum = 0.9})
    p.grad = tensor({1, 1})
    opt:step()
    local function modified(change)
      local sd = opt:state_dict()
      change(sd)
      return function() opt:load_state_dict(sd) end
    end
    h.assert_error_with(modified(function(sd) sd.param_groups[2] = {params = {}} end),
                        'SGD: load_state_dict: the optimizer has 1 parameter groups, the state dict 2')
    h.assert_error_with(modified(function(sd) sd.param_groups[1].params = {1} end),
                        'parameter group 1 has 2 parameters, the state dict\'s has 1')
    h.assert_error_with(modified(function(sd) sd.param_groups[1].lr = -1 end),
                        'SGD: load_state_dict: parameter group 1: lr must be a non-negative number, got -1')
    h.assert_error_with(modified(function(sd) sd.param_groups[1].foo = 1 end), 'unknown option "foo"')
    h.assert_error_with(modified(function(sd) sd.state[5] = {} end),
                        'state for parameter 5, which no parameter group holds')
    h.assert_error_with(modified(function(sd) sd.state[1].velocity = mg.zeros(2) end),
                        'unknown state "velocity" for parameter 1')
    h.assert_error_with(modified(function(sd) sd.state[1].momentum_buffer = 3 end),
                        'momentum_buffer of parameter 1 is not a tensor')
    h.assert_error_with(function() opt:load_state_dict(5) end, 'expected a table {state = ..., param_groups = ...}')
    -- Adam needs its step and both averages
    local a = optim.Adam({tensor({1}, nil, true)})
    h.assert_error_with(function() a:load_state_dict({state = {{step = 1}}, param_groups = {{params = {1}}}}) end,
                        'the state of parameter 1 lacks exp_avg')
    h.assert_error_with(function()
      a:load_state_dict({state = {{step = -1, exp_avg = mg.zeros(1), exp_avg_sq = mg.zeros(1)}},
                         param_groups = {{params = {1}}}})
    end, 'step of parameter 1 must be a non-negative integer, got -1')
    assert.are.equal(0.1, opt.param_groups[1].lr)
    close(opt.state[p].momentum_buffer, {1, 1})
  end)

  it('converts loaded state to the parameter\'s dtype', function()
    local p = tensor({1, 2}, 'float32', true)
    local opt = optim.SGD({p}, {lr = 1, momentum = 0.5})
    opt:load_state_dict({state = {{momentum_buffer = tensor({2, 4})}}, param_groups = {{params = {1}, lr = 1, momentum = 0.5}}})
    assert.are.equal('float32', opt.state[p].momentum_buffer.dtype)
    p.grad = tensor({1, 1}, 'float32')
    opt:step() -- buf = 0.5 buf + g = {2, 3}
    close(p, {-1, -1}, 'float32')
  end)
end)

describe('optimizer errors', function()
  local p = tensor({1, 2}, nil, true)
  it('check options, naming the optimizer', function()
    h.assert_error_with(function() optim.Adam({p}, {lr = -1}) end, 'Adam: lr must be a non-negative number, got -1')
    h.assert_error_with(function() optim.SGD({p}) end, 'SGD: lr is required')
    h.assert_error_with(function() optim.SGD({p}, {}) end, 'SGD: lr is required')
    h.assert_error_with(function() optim.Adam({p}, {lr = 'big'}) end, 'Adam: lr must be a non-negative number, got "big"')
    h.assert_error_with(function() optim.Adam({p}, {betas = {0.9, 1}}) end, 'Adam: betas[2] must be a number in [0, 1), got 1')
    h.assert_error_with(function() optim.AdamW({p}, {betas = {-0.1, 0.9}}) end, 'AdamW: betas[1] must be a number in [0, 1), got -0.1')
    h.assert_error_with(function() optim.Adam({p}, {betas = 0.9}) end, 'Adam: betas must be a table of two numbers')
    h.assert_error_with(function() optim.Adam({p}, {lrr = 0.1}) end,
                        'Adam: unknown option "lrr" (options: amsgrad, betas, eps, lr, weight_decay)')
    h.assert_error_with(function() optim.Adam({p}, {amsgrad = 1}) end, 'Adam: amsgrad must be a boolean, got 1')
    h.assert_error_with(function() optim.SGD({p}, {lr = 0.1, nesterov = true}) end,
                        'SGD: nesterov momentum needs momentum > 0 and dampening 0')
    h.assert_error_with(function() optim.SGD({p}, {lr = 1, dampening = math.huge}) end, 'SGD: dampening must be a finite number, got inf')
    h.assert_error_with(function() optim.RMSprop({p}, {alpha = -1}) end, 'RMSprop: alpha must be a non-negative number, got -1')
    h.assert_error_with(function() optim.Adagrad({p}, {lr_decay = -0.5}) end, 'Adagrad: lr_decay must be a non-negative number, got -0.5')
    h.assert_error_with(function() optim.RMSprop({p}, 0.1) end, 'RMSprop: expected an options table, got 0.1')
    h.assert_error_with(function() optim.SGD({{params = {p}, lr = -2}}, {lr = 1}) end, 'SGD: lr must be a non-negative number, got -2')
    h.assert_error_with(function() optim.SGD({{params = {p}}, {params = {}, mom = 1}}, {lr = 1}) end,
                        'SGD: parameter group 2: unknown option "mom"')
  end)

  it('check parameters', function()
    h.assert_error_with(function() optim.SGD({}, {lr = 1}) end, 'SGD: got an empty list of parameters')
    h.assert_error_with(function() optim.SGD(nil, {lr = 1}) end, 'SGD: expected a list of tensors or of parameter groups, got nil')
    h.assert_error_with(function() optim.SGD({p, 3}, {lr = 1}) end, 'SGD: parameter 2 is not a tensor (got number)')
    h.assert_error_with(function() optim.SGD({mg.tensor({1, 2}, {dtype = 'int64'})}, {lr = 1}) end,
                        'SGD: parameter 1 has dtype int64; only float32 and float64 tensors can be optimized')
    h.assert_error_with(function() optim.SGD({p * 2}, {lr = 1}) end, 'SGD: parameter 1 is not a leaf (made by mul)')
    h.assert_error_with(function() optim.SGD({p, p}, {lr = 1}) end, 'SGD: parameter 2 appears more than once')
    h.assert_error_with(function() optim.SGD({{params = {p}}, {params = {p}}}, {lr = 1}) end,
                        'SGD: parameter group 2: parameter 1 appears more than once')
    h.assert_error_with(function() optim.SGD({{lr = 1}}, {lr = 1}) end, "a parameter group needs a list of tensors in 'params'")
    local opt = optim.SGD({p}, {lr = 1})
    h.assert_error_with(function() opt:add_param_group({params = {p}}) end, 'SGD: add_param_group: parameter 1 appears more than once')
    assert.are.equal(1, #opt.param_groups)
  end)

  it('check options changed in a group at step, naming the group', function()
    local q = tensor({1}, nil, true)
    local opt = optim.SGD({{params = {p}}, {params = {q}}}, {lr = 1})
    opt.param_groups[2].lr = -1
    q.grad = tensor({1})
    h.assert_error_with(function() opt:step() end, 'SGD: lr must be a non-negative number, got -1 (parameter group 2)')
    h.assert_error_with(function() opt:step(5) end, 'SGD: step: expected a closure function or nothing, got 5')
    h.assert_error_with(function() opt:zero_grad(true) end, 'SGD: zero_grad: expected {set_to_none = boolean}')
  end)
end)

describe('lr_scheduler', function()
  local lr_scheduler = optim.lr_scheduler

  local function sgd(lrs)
    local groups = {}
    for i, lr in ipairs(lrs) do groups[i] = {params = {tensor({0}, nil, true)}, lr = lr} end
    return optim.SGD(groups, {lr = 1})
  end

  for _, case in ipairs(SCHEDULES) do
    local name, opts = case[1], case[2]
    local parts = {}
    for _, k in ipairs({'step_size', 'gamma', 'T_max', 'eta_min', 'start_factor', 'end_factor', 'total_iters'}) do
      if opts[k] then parts[#parts + 1] = k .. '=' .. opts[k] end
    end
    it(string.format('%s{%s} with %d group(s) follows torch over 10 epochs', name, table.concat(parts, ', '), #case.lrs), function()
      local opt = sgd(case.lrs)
      local sched = lr_scheduler[name](opt, opts)
      h.assert_close(sched:get_last_lr(), case.expected[1], 1e-12, 1e-17)
      for epoch = 1, 10 do
        opt:step()
        sched:step()
        h.assert_close(sched:get_last_lr(), case.expected[epoch + 1], 1e-12, 1e-17)
        for i, group in ipairs(opt.param_groups) do assert.are.equal(sched:get_last_lr()[i], group.lr) end
      end
      assert.are.equal(10, sched.last_epoch)
    end)
  end

  it('saves base lrs in the groups (initial_lr), which the optimizer\'s state_dict keeps', function()
    local opt = sgd({0.1})
    lr_scheduler.StepLR(opt, {step_size = 1, gamma = 0.5})
    assert.are.equal(0.1, opt.param_groups[1].initial_lr)
    local sd = opt:state_dict()
    assert.are.equal(0.1, sd.param_groups[1].initial_lr)
    sgd({0.3}):load_state_dict(sd) -- initial_lr is a known group entry
  end)

  it('state_dict round trip resumes the schedule', function()
    local expected = SCHEDULES[4].expected -- CosineAnnealingLR{T_max=4, eta_min=0.01}
    local opt = sgd({0.1, 0.5})
    local sched = lr_scheduler.CosineAnnealingLR(opt, {T_max = 4, eta_min = 0.01})
    for _ = 1, 5 do sched:step() end
    local osd, ssd = opt:state_dict(), sched:state_dict()
    assert.are.equal(5, ssd.last_epoch)
    assert.are.same({0.1, 0.5}, ssd.base_lrs)
    local opt2 = sgd({1, 1})
    opt2:load_state_dict(osd)
    local sched2 = lr_scheduler.CosineAnnealingLR(opt2, {T_max = 100})
    sched2:load_state_dict(ssd)
    assert.are.equal(4, sched2.T_max)
    h.assert_close(sched2:get_last_lr(), expected[6], 1e-12, 1e-17)
    sched2:step()
    h.assert_close(sched2:get_last_lr(), expected[7], 1e-12, 1e-17)
    h.assert_close({opt2.param_groups[1].lr, opt2.param_groups[2].lr}, expected[7], 1e-12, 1e-17)
  end)

  it('load_state_dict checks before changing anything', function()
    local opt = sgd({0.1})
    local sched = lr_scheduler.StepLR(opt, {step_size = 2})
    local sd = sched:state_dict()
    sd.base_lrs = {1, 2}
    h.assert_error_with(function() sched:load_state_dict(sd) end, 'StepLR: load_state_dict: base_lrs must be a list of 1 numbers')
    sd = sched:state_dict()
    sd.step_size = 0
    sd.last_epoch = 9
    h.assert_error_with(function() sched:load_state_dict(sd) end, 'StepLR: load_state_dict: step_size must be a positive integer, got 0')
    sd = sched:state_dict()
    sd.warmup = 3
    h.assert_error_with(function() sched:load_state_dict(sd) end, 'StepLR: load_state_dict: unknown entry "warmup"')
    assert.are.equal(0, sched.last_epoch)
    assert.are.equal(2, sched.step_size)
  end)

  it('resumes from last_epoch with initial_lr in the groups', function()
    local opt = sgd({0.1})
    h.assert_error_with(function() lr_scheduler.ExponentialLR(opt, {gamma = 0.9, last_epoch = 3}) end,
                        'ExponentialLR: resuming at last_epoch 3 needs initial_lr in parameter group 1')
    opt.param_groups[1].initial_lr = 0.1
    local sched = lr_scheduler.ExponentialLR(opt, {gamma = 0.9, last_epoch = 3})
    h.assert_close(sched:get_last_lr(), SCHEDULES[3].expected[5], 1e-12, 1e-17)
  end)

  it('rejects bad options', function()
    local opt = sgd({0.1})
    h.assert_error_with(function() lr_scheduler.StepLR(opt) end, 'StepLR: option step_size is required')
    h.assert_error_with(function() lr_scheduler.StepLR(opt, {30}) end, 'StepLR: options are named (gamma, step_size), got a value at [1]')
    h.assert_error_with(function() lr_scheduler.StepLR(opt, {step_size = 1.5}) end, 'StepLR: step_size must be a positive integer, got 1.5')
    h.assert_error_with(function() lr_scheduler.StepLR(opt, {step_size = 2, gama = 0.1}) end, 'StepLR: unknown option "gama"')
    h.assert_error_with(function() lr_scheduler.ExponentialLR(opt, {gamma = -1}) end, 'ExponentialLR: gamma must be a non-negative number, got -1')
    h.assert_error_with(function() lr_scheduler.CosineAnnealingLR(opt, {T_max = 0}) end, 'CosineAnnealingLR: T_max must be a positive number, got 0')
    h.assert_error_with(function() lr_scheduler.LinearLR(opt, {start_factor = 2}) end, 'LinearLR: start_factor must be a number in [0, 1], got 2')
    h.assert_error_with(function() lr_scheduler.LinearLR({}, {}) end, 'LinearLR: expected an optimizer')
    assert.is_nil(opt.param_groups[1].initial_lr) -- failed before touching the groups
    assert.are.equal(0.1, opt.param_groups[1].lr)
  end)
end)

describe('gradient clipping (nn_utils)', function()
  local function params(dtype)
    local a, b, c = tensor({{0, 0}, {0, 0}}, dtype, true), tensor({0, 0, 0}, dtype, true), tensor({0, 0}, dtype, true)
    a.grad, b.grad = tensor(CLIP_GA, dtype), tensor(CLIP_GB, dtype)
    return {a, b, c}
  end

  for _, case in ipairs(CLIPS) do
    it(string.format('clip_grad_norm_ max_norm=%g norm_type=%g %s matches torch', case.max_norm, case.norm_type, case.dtype), function()
      local ps = params(case.dtype)
      local total = utils.clip_grad_norm_(ps, case.max_norm, {norm_type = case.norm_type})
      assert.are.equal('number', type(total))
      close({total}, {case.total}, case.dtype)
      close(ps[1].grad, case.a, case.dtype)
      close(ps[2].grad, case.b, case.dtype)
      assert.is_nil(ps[3].grad)
    end)
  end

  it('clip_grad_norm_ takes one tensor, and mixed dtypes', function()
    local a = tensor({3, 4}, 'float32', true)
    a.grad = tensor({3, 4}, 'float32')
    assert.are.equal(5, utils.clip_grad_norm_(a, 10))
    close(a.grad, {3, 4}, 'float32')
    local b = tensor({0}, 'float64', true)
    b.grad = tensor({12})
    h.assert_close(utils.clip_grad_norm_({a, b}, 6.5), 13, 1e-12)
    close(a.grad, {1.5, 2}, 'float32')
    close(b.grad, {6}, 'float32')
  end)

  it('clip_grad_norm_ of no gradients is 0; non-finite norms error on request', function()
    local a = tensor({1}, nil, true)
    assert.are.equal(0, utils.clip_grad_norm_({a}, 1))
    a.grad = tensor({0 / 0})
    h.assert_error_with(function() utils.clip_grad_norm_({a}, 1, {error_if_nonfinite = true}) end,
                        'clip_grad_norm_: the total norm of order 2 of the gradients is non-finite')
    local total = utils.clip_grad_norm_({a}, 1)
    assert.is_true(total ~= total)
  end)

  it('clip_grad_value_ matches torch', function()
    local ps = params('float32')
    utils.clip_grad_value_(ps, 1.5)
    close(ps[1].grad, CLIP_VALUE.a, 'float32')
    close(ps[2].grad, CLIP_VALUE.b, 'float32')
    assert.is_nil(ps[3].grad)
  end)

  it('reject bad input', function()
    local a = tensor({1}, nil, true)
    h.assert_error_with(function() utils.clip_grad_norm_(a, -1) end, 'clip_grad_norm_: max_norm must be a non-negative number, got -1')
    h.assert_error_with(function() utils.clip_grad_norm_(a, 1, {norm_type = -2}) end, 'clip_grad_norm_: norm_type must be a non-negative number')
    h.assert_error_with(function() utils.clip_grad_norm_(a, 1, {norm = 2}) end, 'clip_grad_norm_: unknown option "norm"')
    h.assert_error_with(function() utils.clip_grad_norm_({a, 'x'}, 1) end, 'clip_grad_norm_: parameter 2 is not a tensor (got string)')
    h.assert_error_with(function() utils.clip_grad_norm_(7, 1) end, 'clip_grad_norm_: expected a tensor or a list of tensors, got 7')
    h.assert_error_with(function() utils.clip_grad_value_({a}, 'big') end, 'clip_grad_value_: clip_value must be a non-negative number, got "big"')
  end)
end)

--[==[ The values above were recorded with /usr/bin/python3 (torch 1.13) running:
# Records reference values from torch 1.13 for tests/lua/optim_spec.lua
import math, warnings
import torch
warnings.filterwarnings('ignore')

def lua(v):
    if isinstance(v, (list, tuple)):
        return '{' + ', '.join(lua(x) for x in v) + '}'
    if isinstance(v, bool):
        return 'true' if v else 'false'
    if isinstance(v, float):
        if math.isinf(v): return 'math.huge' if v > 0 else '-math.huge'
        return repr(v)
    return repr(v)

P0 = [[0.5, -1.0, 2.0], [1.5, -0.25, 0.75]]
G = [[[0.1, -0.2, 0.3], [-0.4, 0.5, -0.6]],
     [[-0.3, 0.1, 0.2], [0.05, -0.15, 0.4]],
     [[0.2, 0.2, -0.1], [0.3, -0.5, 0.25]]]

cases = [
  ('SGD plain', 'SGD', dict(lr=0.1)),
  ('SGD momentum', 'SGD', dict(lr=0.1, momentum=0.9)),
  ('SGD nesterov', 'SGD', dict(lr=0.1, momentum=0.9, nesterov=True)),
  ('SGD dampening', 'SGD', dict(lr=0.1, momentum=0.9, dampening=0.5)),
  ('SGD weight_decay', 'SGD', dict(lr=0.1, weight_decay=0.1)),
  ('SGD momentum weight_decay', 'SGD', dict(lr=0.1, momentum=0.5, weight_decay=0.01)),
  ('Adam', 'Adam', dict(lr=0.01)),
  ('Adam weight_decay betas', 'Adam', dict(lr=0.01, weight_decay=0.1, betas=(0.8, 0.99))),
  ('Adam amsgrad', 'Adam', dict(lr=0.01, amsgrad=True)),
  ('AdamW', 'AdamW', dict(lr=0.01)),
  ('AdamW weight_decay amsgrad', 'AdamW', dict(lr=0.01, weight_decay=0.1, amsgrad=True, eps=1e-6)),
  ('RMSprop', 'RMSprop', dict(lr=0.01)),
  ('RMSprop centered', 'RMSprop', dict(lr=0.01, centered=True)),
  ('RMSprop momentum', 'RMSprop', dict(lr=0.01, momentum=0.9)),
  ('RMSprop centered momentum weight_decay', 'RMSprop',
   dict(lr=0.01, alpha=0.9, centered=True, momentum=0.5, weight_decay=0.1)),
  ('Adagrad', 'Adagrad', dict(lr=0.1)),
  ('Adagrad lr_decay', 'Adagrad', dict(lr=0.1, lr_decay=0.5, weight_decay=0.1,
                                       initial_accumulator_value=0.1)),
]

def run(kind, opts, dtype, steps=3):
    p = torch.tensor(P0, dtype=dtype, requires_grad=True)
    o = getattr(torch.optim, kind)([p], **opts)
    out = []
    for s in range(steps):
        p.grad = torch.tensor(G[s], dtype=dtype)
        o.step()
        out.append(p.detach().tolist())
    return out, o, p

def lua_opts(opts):
    parts = []
    for k, v in opts.items():
        parts.append('%s = %s' % (k, lua(list(v) if isinstance(v, tuple) else v)))
    return '{' + ', '.join(parts) + '}'

print('-- generated by torch %s' % torch.__version__)
print('local P0 = ' + lua(P0))
print('local GRADS = ' + lua(G))
print('local CASES = {')
for name, kind, opts in cases:
    out64, _, _ = run(kind, opts, torch.float64)
    out32, _, _ = run(kind, opts, torch.float32)
    print('  {name = %r, kind = %r, opts = %s,' % (name, kind, lua_opts(opts)))
    print('   float64 = %s,' % lua(out64))
    print('   float32 = %s},' % lua(out32))
print('}')

# Adam state after 3 steps
_, o, p = run('Adam', dict(lr=0.01, amsgrad=True), torch.float64)
st = o.state[p]
print('local ADAM_STATE = {step = %d, exp_avg = %s, exp_avg_sq = %s, max_exp_avg_sq = %s}' % (
    int(st['step'].item()), lua(st['exp_avg'].tolist()), lua(st['exp_avg_sq'].tolist()),
    lua(st['max_exp_avg_sq'].tolist())))

# two groups
a = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
b = torch.tensor([[0.5], [0.25]], dtype=torch.float64, requires_grad=True)
o = torch.optim.SGD([{'params': [a], 'lr': 0.1}, {'params': [b]}], lr=0.01, momentum=0.9)
ga = [[0.3, -0.1], [0.2, 0.4], [-0.5, 0.1]]
gb = [[[1.0], [-1.0]], [[0.5], [0.5]], [[-0.2], [0.3]]]
ra, rb = [], []
for s in range(3):
    a.grad = torch.tensor(ga[s], dtype=torch.float64)
    b.grad = torch.tensor(gb[s], dtype=torch.float64)
    o.step()
    ra.append(a.detach().tolist()); rb.append(b.detach().tolist())
print('local GROUPS = {ga = %s, gb = %s, a = %s, b = %s}' % (lua(ga), lua(gb), lua(ra), lua(rb)))

# schedulers
def sched(ctor, opts, lrs=(0.1,), epochs=10):
    ps = [torch.zeros(1, requires_grad=True) for _ in lrs]
    o = torch.optim.SGD([{'params': [p], 'lr': lr} for p, lr in zip(ps, lrs)], lr=1.0)
    s = getattr(torch.optim.lr_scheduler, ctor)(o, **opts)
    out = [list(s.get_last_lr())]
    for e in range(epochs):
        o.step()
        s.step()
        out.append(list(s.get_last_lr()))
    return out
sched_cases = [
  ('StepLR', dict(step_size=3, gamma=0.5), (0.1,)),
  ('StepLR', dict(step_size=2), (0.1, 0.02)),
  ('ExponentialLR', dict(gamma=0.9), (0.1,)),
  ('CosineAnnealingLR', dict(T_max=4, eta_min=0.01), (0.1, 0.5)),
  ('CosineAnnealingLR', dict(T_max=10), (0.1,)),
  ('LinearLR', dict(), (0.1,)),
  ('LinearLR', dict(start_factor=1.0, end_factor=0.1, total_iters=4), (0.1, 0.3)),
]
print('local SCHEDULES = {')
for ctor, opts, lrs in sched_cases:
    print('  {%r, %s, lrs = %s, expected = %s},' % (ctor, lua_opts(opts), lua(list(lrs)),
                                                   lua(sched(ctor, opts, lrs))))
print('}')

# clipping
GA = [[3.0, -4.0], [1.0, 2.0]]
GB = [0.5, -12.0, 0.25]
def clip(max_norm, norm_type, dtype):
    a = torch.zeros(2, 2, dtype=dtype, requires_grad=True)
    b = torch.zeros(3, dtype=dtype, requires_grad=True)
    c = torch.zeros(2, dtype=dtype, requires_grad=True)  # no grad
    a.grad = torch.tensor(GA, dtype=dtype); b.grad = torch.tensor(GB, dtype=dtype)
    total = torch.nn.utils.clip_grad_norm_([a, b, c], max_norm, norm_type=norm_type)
    return total.item(), a.grad.tolist(), b.grad.tolist()
print('local CLIP_GA, CLIP_GB = %s, %s' % (lua(GA), lua(GB)))
print('local CLIPS = {')
for max_norm, nt in [(5.0, 2.0), (1.0, 1.0), (2.0, math.inf), (100.0, 2.0), (3.0, 3.0)]:
    for dt, name in [(torch.float64, 'float64'), (torch.float32, 'float32')]:
        t, ga_, gb_ = clip(max_norm, nt, dt)
        print('  {max_norm = %s, norm_type = %s, dtype = %r, total = %s, a = %s, b = %s},' % (
            lua(max_norm), lua(nt), name, lua(t), lua(ga_), lua(gb_)))
print('}')
a = torch.zeros(2, 2, requires_grad=True); b = torch.zeros(3, requires_grad=True)
a.grad = torch.tensor(GA); b.grad = torch.tensor(GB)
torch.nn.utils.clip_grad_value_([a, b], 1.5)
print('local CLIP_VALUE = {a = %s, b = %s}' % (lua(a.grad.tolist()), lua(b.grad.tolist())))
]==]
