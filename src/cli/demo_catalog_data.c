/*
 * demo_catalog_data.c: the demo catalog as tables: Huawei Cloud regions,
 * the 40+ products of the 2021 exclusive month and their reference list
 * prices, and the industry scenario packs ("场景化云资源套餐") for
 * e-commerce, gaming, mobility, going overseas, media and education.
 *
 * Prices are reference prices in fen for cn-north-4 (a realistic order of
 * magnitude, not Huawei's price list); demo_price scales them per region
 * (overseas 18-30 % higher, Guiyang and Ulanqab cheaper) and rounds them.
 */
#include "cli/demo_catalog.h"

enum { BJ4, SH1, GZ, GY1, UCB1, HK, BKK, SG, JNB, SCL };

#define B(r) (1u << (r))
#define ALL 0x3FFu
#define DOM (B(BJ4) | B(SH1) | B(GZ) | B(GY1) | B(UCB1))
#define MAIN3 (B(BJ4) | B(SH1) | B(GZ))
#define HKSG (B(HK) | B(SG))
#define OVS (B(HK) | B(BKK) | B(SG) | B(JNB) | B(SCL))

const demo_region demo_regions[] = {
    [BJ4] = {"cn-north-4", "华北-北京四", "CN North-Beijing4", "domestic", 10000},
    [SH1] = {"cn-east-3", "华东-上海一", "CN East-Shanghai1", "domestic", 10000},
    [GZ] = {"cn-south-1", "华南-广州", "CN South-Guangzhou", "domestic", 10000},
    [GY1] = {"cn-southwest-2", "西南-贵阳一", "CN Southwest-Guiyang1", "domestic", 9000},
    [UCB1] = {"cn-north-9", "华北-乌兰察布一", "CN North-Ulanqab1", "domestic", 8500},
    [HK] = {"ap-southeast-1", "中国-香港", "CN-Hong Kong", "overseas", 12500},
    [BKK] = {"ap-southeast-2", "亚太-曼谷", "AP-Bangkok", "overseas", 11800},
    [SG] = {"ap-southeast-3", "亚太-新加坡", "AP-Singapore", "overseas", 12200},
    [JNB] = {"af-south-1", "非洲-约翰内斯堡", "AF-Johannesburg", "overseas", 13000},
    [SCL] = {"la-south-2", "拉美-圣地亚哥", "LA-Santiago", "overseas", 12800},
};
const size_t demo_nregions = sizeof demo_regions / sizeof *demo_regions;

#define Y10 DEMO_Y10

/* code, zh, en, category, unit zh, unit en, on_demand/h, monthly, yearly, regions */
const demo_product demo_products[] = {
    /* compute */
    {"ecs.general", "通用计算增强型云服务器 (2vCPU 4GiB)", "General-purpose ECS (2 vCPU, 4 GiB)", "compute",
     "台", "instance", 46, 22800, Y10, ALL},
    {"ecs.compute", "超高性能计算型云服务器 (4vCPU 8GiB)", "Compute-optimized ECS (4 vCPU, 8 GiB)", "compute",
     "台", "instance", 105, 52000, Y10, ALL},
    {"ecs.memory", "内存优化型云服务器 (4vCPU 32GiB)", "Memory-optimized ECS (4 vCPU, 32 GiB)", "compute",
     "台", "instance", 198, 98000, Y10, ALL},
    {"ecs.gpu", "GPU加速型云服务器 (8vCPU 64GiB, 1×V100)",
     "GPU-accelerated ECS (8 vCPU, 64 GiB, 1 × V100)", "compute", "台", "instance", 1580, 680000,
     Y10, DOM | HKSG},
    {"bms.general", "裸金属服务器 (64vCPU 256GiB)", "Bare Metal Server (64 vCPU, 256 GiB)", "compute",
     "台", "server", 0, 1200000, Y10, MAIN3 | B(GY1) | HKSG},
    {"functiongraph.package", "函数工作流 FunctionGraph 资源包", "FunctionGraph resource package",
     "compute", "1000万 GB-秒", "10M GB-s", 0, 15000, Y10, MAIN3 | OVS},
    /* container */
    {"cce.cluster", "云容器引擎 CCE 集群 (50节点, 高可用)", "Cloud Container Engine cluster (50 nodes, HA)",
     "container", "集群", "cluster", 88, 45000, Y10, ALL},
    {"cci.pod", "云容器实例 CCI (1vCPU 2GiB)", "Cloud Container Instance (1 vCPU, 2 GiB)", "container",
     "个", "pod", 19, 9800, 0, MAIN3 | B(SG)},
    {"swr.enterprise", "容器镜像服务 SWR 企业版", "SoftWare Repository for Container (Enterprise)",
     "container", "个", "instance", 370, 180000, Y10, MAIN3 | HKSG},
    /* storage */
    {"obs.standard", "对象存储服务 OBS 标准存储", "Object Storage Service (Standard)", "storage", "TB", "TB",
     19, 9900, Y10, ALL},
    {"obs.infrequent", "对象存储服务 OBS 低频访问存储", "Object Storage Service (Infrequent Access)", "storage",
     "TB", "TB", 11, 8000, Y10, ALL},
    {"obs.archive", "对象存储服务 OBS 归档存储", "Object Storage Service (Archive)", "storage", "TB", "TB", 5,
     3300, Y10, DOM | HKSG},
    {"evs.ssd", "云硬盘 EVS 超高IO", "Elastic Volume Service (Ultra-high I/O)", "storage", "100 GB",
     "100 GB", 19, 10000, Y10, ALL},
    {"evs.general", "云硬盘 EVS 通用型SSD", "Elastic Volume Service (General-purpose SSD)", "storage",
     "100 GB", "100 GB", 13, 7000, Y10, ALL},
    {"sfs.turbo", "弹性文件服务 SFS Turbo 标准型", "Scalable File Service Turbo (Standard)", "storage", "TB",
     "TB", 120, 61400, Y10, DOM | HKSG | B(BKK)},
    {"cbr.vault", "云备份 CBR 云服务器备份存储库", "Cloud Backup and Recovery (server backup vault)", "storage",
     "100 GB", "100 GB", 4, 2000, Y10, ALL},
    /* network */
    {"vpc.endpoint", "虚拟私有云 VPC 终端节点", "VPC Endpoint (interface)", "network", "个", "endpoint", 14,
     7300, 0, ALL},
    {"cc.bandwidth", "云连接 CC 跨区域带宽包", "Cloud Connect cross-region bandwidth", "network", "Mbps",
     "Mbps", 0, 35000, Y10, ALL},
    {"elb.dedicated", "弹性负载均衡 ELB 独享型 (小型I)", "Elastic Load Balance (dedicated, small I)",
     "network", "个", "instance", 42, 21900, Y10, ALL},
    {"eip.bandwidth", "弹性公网IP 独享带宽", "Elastic IP dedicated bandwidth", "network", "Mbps", "Mbps",
     14, 8000, Y10, ALL},
    {"nat.gateway", "NAT网关 (小型)", "NAT Gateway (small)", "network", "个", "gateway", 52, 28000, Y10,
     ALL},
    {"vpn.gateway", "虚拟专用网络 VPN 网关", "Virtual Private Network gateway", "network", "个", "gateway",
     62, 30000, Y10, ALL},
    {"dc.port", "云专线 DC 专线端口 (1GE)", "Direct Connect port (1GE)", "network", "个", "port", 0, 200000,
     Y10, MAIN3 | B(GY1) | HKSG},
    /* cdn */
    {"cdn.traffic", "内容分发网络 CDN 流量包", "Content Delivery Network traffic package", "cdn", "TB", "TB",
     0, 18000, 0, ALL},
    {"wsa.traffic", "全站加速 WSA 流量包", "Whole Site Acceleration traffic package", "cdn", "TB", "TB", 0,
     26000, 0, DOM | HKSG | B(BKK)},
    /* database */
    {"rds.mysql", "云数据库 RDS for MySQL (2vCPU 4GiB 主备)",
     "RDS for MySQL (2 vCPU, 4 GiB, primary/standby)", "database", "个", "instance", 130, 66000, Y10,
     ALL},
    {"rds.postgresql", "云数据库 RDS for PostgreSQL (2vCPU 4GiB 主备)",
     "RDS for PostgreSQL (2 vCPU, 4 GiB, primary/standby)", "database", "个", "instance", 138, 69000,
     Y10, ALL},
    {"gaussdb.mysql", "云数据库 GaussDB(for MySQL) (4vCPU 16GiB)",
     "GaussDB(for MySQL) (4 vCPU, 16 GiB)", "database", "个", "instance", 420, 210000, Y10,
     MAIN3 | B(GY1) | HKSG},
    {"dds.replica", "文档数据库服务 DDS 副本集 (2vCPU 4GiB)",
     "Document Database Service replica set (2 vCPU, 4 GiB)", "database", "个", "instance", 195,
     98000, Y10, DOM | HKSG | B(BKK) | B(JNB)},
    {"dcs.redis", "分布式缓存服务 DCS for Redis (4GB 主备)",
     "Distributed Cache Service for Redis (4 GB, master/standby)", "database", "个", "instance", 72,
     36000, Y10, ALL},
    {"ddm.instance", "分布式数据库中间件 DDM (4vCPU 16GiB)",
     "Distributed Database Middleware (4 vCPU, 16 GiB)", "database", "个", "instance", 340, 176000,
     Y10, MAIN3 | B(GY1)},
    /* ai */
    {"modelarts.training", "AI开发平台 ModelArts 训练 (V100 单卡)", "ModelArts training (1 × V100 GPU)",
     "ai", "卡", "GPU", 2800, 980000, Y10, B(BJ4) | B(SH1) | B(GY1) | B(UCB1) | HKSG},
    {"modelarts.inference", "AI开发平台 ModelArts 在线推理 (2vCPU 8GiB)",
     "ModelArts online inference (2 vCPU, 8 GiB)", "ai", "个", "instance", 80, 40000, Y10,
     MAIN3 | B(GY1) | B(UCB1) | HKSG},
    {"ocr.general", "文字识别 OCR 通用文字识别 (10万次)", "Optical Character Recognition (100k calls)", "ai",
     "10万次", "100k calls", 0, 56000, Y10, MAIN3 | HKSG},
    {"sis.asr", "语音交互 SIS 录音文件识别 (100小时)", "Speech Interaction: recorded audio ASR (100 hours)",
     "ai", "100 小时", "100 audio hours", 0, 13000, Y10, MAIN3},
    {"moderation.image", "内容审核 图片审核 (10万张)", "Content Moderation: images (100k)", "ai", "10万张",
     "100k images", 0, 25000, Y10, MAIN3 | HKSG | B(BKK)},
    /* media */
    {"live.traffic", "视频直播 Live 流量包", "Live streaming traffic package", "media", "TB", "TB", 0,
     22000, 0, MAIN3 | OVS},
    {"vod.storage", "视频点播 VOD 媒资存储", "Video on Demand media storage", "media", "TB", "TB", 17,
     12500, Y10, MAIN3 | OVS},
    {"rtc.minutes", "实时音视频 SparkRTC 高清视频 (1万分钟)", "SparkRTC HD video (10k minutes)", "media",
     "1万分钟", "10k minutes", 0, 28000, 0, MAIN3 | OVS},
    {"mpc.transcode", "媒体处理 MPC 高清转码 (1000分钟)", "Media Processing Center HD transcoding (1000 min)",
     "media", "1000 分钟", "1000 minutes", 0, 3500, 0, MAIN3 | OVS},
    /* analytics */
    {"dws.node", "数据仓库服务 DWS 节点 (8vCPU 64GiB)", "Data Warehouse Service node (8 vCPU, 64 GiB)",
     "analytics", "节点", "node", 560, 280000, Y10, MAIN3 | B(GY1) | HKSG},
    {"mrs.node", "MapReduce服务 MRS 节点 (8vCPU 32GiB)", "MapReduce Service node (8 vCPU, 32 GiB)",
     "analytics", "节点", "node", 280, 140000, Y10, MAIN3 | B(GY1) | HKSG | B(BKK)},
    {"dli.queue", "数据湖探索 DLI 队列 (16CU)", "Data Lake Insight queue (16 CUs)", "analytics", "16 CU",
     "16 CU", 560, 262000, Y10, MAIN3 | B(GY1) | HKSG},
    /* middleware */
    {"dms.kafka", "分布式消息服务 Kafka (100MB/s)", "Distributed Message Service for Kafka (100 MB/s)",
     "middleware", "个", "instance", 300, 150000, Y10, ALL},
    {"apig.dedicated", "API网关 APIG 专享版 (基础版)", "API Gateway dedicated (basic)", "middleware", "个",
     "instance", 165, 78000, Y10, ALL},
    {"smn.messages", "消息通知服务 SMN (100万条)", "Simple Message Notification (1M messages)",
     "middleware", "100万条", "1M messages", 0, 2500, 0, ALL},
    /* devops */
    {"codearts.user", "软件开发生产线 CodeArts 专业版", "CodeArts professional edition", "devops", "用户",
     "user", 0, 3900, Y10, MAIN3 | B(SG)},
    {"apm.probe", "应用性能管理 APM 探针", "Application Performance Management probe", "devops", "探针",
     "probe", 10, 5000, Y10, MAIN3 | HKSG},
    {"lts.ingest", "云日志服务 LTS 日志读写 (100GB)", "Log Tank Service ingestion (100 GB)", "devops",
     "100 GB", "100 GB", 0, 3500, 0, ALL},
    /* security */
    {"waf.pro", "Web应用防火墙 WAF 专业版", "Web Application Firewall (professional)", "security", "个",
     "instance", 0, 380000, Y10, ALL},
    {"antiddos.advanced", "DDoS高防 AAD 保底防护", "Advanced Anti-DDoS (base protection)", "security",
     "个", "instance", 0, 1380000, Y10, MAIN3 | HKSG},
    {"hss.enterprise", "企业主机安全 HSS 企业版", "Host Security Service (enterprise)", "security", "台",
     "host", 18, 9000, Y10, ALL},
    {"scm.ov-wildcard", "云证书管理 SSL证书 (OV 通配符)", "SSL certificate (OV wildcard)", "security", "张",
     "certificate", 0, 0, 768000, ALL},
};
const size_t demo_nproducts = sizeof demo_products / sizeof *demo_products;

/* Rounds a scaled price: whole yuan from 1,000 CNY, ten fen from 10 CNY. */
static int64_t round_price(int64_t v)
{
    if (v >= 100000)
        return (v + 50) / 100 * 100;
    if (v >= 1000)
        return (v + 5) / 10 * 10;
    return v < 1 ? 1 : v;
}

int64_t demo_price(const demo_product *p, size_t r, int mode)
{
    if (r >= demo_nregions || !(p->regions >> r & 1))
        return -1;
    int64_t bp = demo_regions[r].price_bp;
    int64_t base = mode == 0 ? p->on_demand : p->monthly;
    if (mode == 2 && p->yearly != DEMO_Y10)
        base = p->yearly;
    if (base <= 0 || mode < 0 || mode > 2)
        return -1;
    int64_t v = round_price((base * bp + 5000) / 10000);
    return mode == 2 && p->yearly == DEMO_Y10 ? v * 10 : v;
}

#define M(product, qty) {product, "monthly", qty, 1}

const demo_pack demo_packs[] = {
    {"ecommerce-promo", "ecommerce", "大促备战", "Big-sale readiness", "电商大促弹性扩容包",
     "E-commerce big-sale scale-out pack",
     "双十一、618 大促前一键扩容：计算、负载均衡、缓存、CDN 与 WAF 防护一个月用量。",
     "Scale out before Double 11 or 618 in one go: a month of compute, load balancing, cache, CDN "
     "and WAF protection.",
     688000, 0,
     {M("ecs.general", 8), M("elb.dedicated", 2), M("dcs.redis", 2), M("cdn.traffic", 10),
      M("waf.pro", 1)}},
    {"ecommerce-live", "ecommerce", "直播带货", "Live commerce", "直播电商套餐", "Live commerce pack",
     "直播推流、连麦互动、转码与内容审核，配合 CDN 分发，开播即用。",
     "Streaming, co-hosting, transcoding and content moderation with CDN delivery, ready to go live.",
     0, 2500,
     {M("live.traffic", 20), M("rtc.minutes", 10), M("mpc.transcode", 20),
      M("moderation.image", 2), M("cdn.traffic", 5)}},
    {"ecommerce-recommend", "ecommerce", "智能推荐", "Smart recommendations", "电商智能推荐套餐",
     "E-commerce recommendation pack", "用户行为入湖分析，ModelArts 在线推理实时推荐。",
     "Analyse user behaviour in the lake and recommend in real time with ModelArts inference.", 0,
     2000,
     {M("modelarts.inference", 2), M("dli.queue", 1), M("obs.standard", 10), M("dms.kafka", 1)}},
    {"gaming-launch", "gaming", "游戏上线", "Game launch", "游戏开服套餐", "Game launch pack",
     "新游首发所需的游戏服、数据库、缓存、DDoS 高防与下载加速。",
     "Game servers, database, cache, Anti-DDoS and download acceleration for a new title.", 1580000,
     0,
     {M("ecs.compute", 6), M("rds.mysql", 1), M("dcs.redis", 2), M("antiddos.advanced", 1),
      M("cdn.traffic", 5)}},
    {"gaming-global", "gaming", "全球同服", "Global game servers", "全球同服套餐",
     "Global game servers pack", "多区域游戏服经云连接互通，GaussDB 统一账号数据，全球玩家同服竞技。",
     "Game servers in several regions joined by Cloud Connect, with one GaussDB for accounts, so "
     "players worldwide share one server.",
     0, 2000,
     {M("ecs.compute", 4), M("cc.bandwidth", 20), M("gaussdb.mysql", 1), M("dcs.redis", 2),
      M("antiddos.advanced", 1)}},
    {"gaming-ai-bots", "gaming", "游戏AI机器人", "Game AI bots", "游戏AI竞技机器人套餐",
     "Game AI bots pack", "基于 ModelArts 强化学习训练对战机器人并在线推理，提升游戏趣味与品质。",
     "Train competitive bots with ModelArts reinforcement learning and serve them online.", 3380000,
     0, {M("modelarts.training", 4), M("modelarts.inference", 4), M("obs.standard", 10)}},
    {"mobility-dispatch", "mobility", "网约车调度", "Ride-hailing dispatch", "网约车实时调度套餐",
     "Ride-hailing dispatch pack", "订单与位置数据实时入 Kafka，内存型计算与 Redis 完成秒级派单。",
     "Orders and positions stream into Kafka; memory-optimized servers and Redis match rides in "
     "seconds.",
     788000, 0,
     {M("ecs.memory", 4), M("dcs.redis", 4), M("dms.kafka", 1), M("gaussdb.mysql", 1),
      M("apig.dedicated", 1)}},
    {"mobility-iov", "mobility", "车联网", "Connected vehicles", "车联网数据平台套餐",
     "Connected-vehicle data pack", "车端数据接入、存储与大数据分析，支撑行程、能耗与驾驶行为洞察。",
     "Ingest, store and analyse vehicle data for trip, energy and driving-behaviour insight.", 0,
     1800,
     {M("dms.kafka", 2), M("mrs.node", 4), M("obs.standard", 20), M("dli.queue", 1),
      M("ecs.general", 4)}},
    {"overseas-starter", "overseas", "出海起步", "Going-overseas starter", "企业出海起步套餐",
     "Going-overseas starter pack", "一个账号就近部署海外站点：云服务器、云硬盘、带宽、数据库、CDN 与主机安全。",
     "Deploy near overseas users from one account: servers, disks, bandwidth, database, CDN and host "
     "security.",
     398000, 0,
     {M("ecs.general", 4), M("evs.ssd", 4), M("eip.bandwidth", 20), M("rds.mysql", 1),
      M("cdn.traffic", 5), M("hss.enterprise", 4)}},
    {"overseas-shop", "overseas", "海外电商独立站", "Overseas e-commerce site", "海外独立站套餐",
     "Overseas web-shop pack", "跨境电商独立站：负载均衡、数据库、缓存、CDN 与 WAF，面向东南亚与拉美。",
     "A cross-border web shop with load balancing, database, cache, CDN and WAF for Southeast Asia "
     "and Latin America.",
     0, 2200,
     {M("ecs.general", 6), M("elb.dedicated", 1), M("rds.mysql", 1), M("dcs.redis", 1),
      M("cdn.traffic", 10), M("waf.pro", 1)}},
    {"media-render", "media", "云渲染", "Cloud rendering", "影视云渲染套餐", "Film cloud rendering pack",
     "GPU 算力与高性能文件存储，支撑影视特效与动画渲染。",
     "GPU power and high-performance file storage for film effects and animation rendering.",
     2880000, 0, {M("ecs.gpu", 4), M("sfs.turbo", 10), M("obs.standard", 20)}},
    {"education-class", "education", "在线课堂", "Online classroom", "在线教育互动课堂套餐",
     "Online classroom pack", "实时互动小班课、录播点播与转码分发。",
     "Live interactive classes, recorded lessons on demand, transcoding and delivery.", 0, 2000,
     {M("rtc.minutes", 20), M("vod.storage", 5), M("mpc.transcode", 10), M("cdn.traffic", 5),
      M("ecs.general", 2)}},
};
const size_t demo_npacks = sizeof demo_packs / sizeof *demo_packs;
