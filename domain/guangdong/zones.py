"""The 36 upgrade demonstration zones of 附件1 (seeds/002), the reference data the service
ships: each zone's key (ASCII, stable: workflow ids, journals and user scopes name it), the
name exactly as 附件1 writes it, its prefecture-level city, the district, county or town it sits
in, and its industry. Loaded into the store on first start (``store.guangdong.zones``)."""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE = "广东省"


@dataclass(frozen=True)
class Zone:
    no: int  # its number in 附件1
    key: str
    name: str
    city: str  # the prefecture-level city (地级市): its 经贸局 signs off
    district: str  # 区、县（市）、镇或开发区; empty when the zone is the whole city
    industry: str

    @property
    def place(self) -> str:
        return f"{self.city}{self.district}"


def _z(no: int, key: str, name: str, city: str, district: str, industry: str) -> Zone:
    return Zone(no, key, name, city, district, industry)


ZONES: tuple[Zone, ...] = (
    _z(1, "gd-guangzhou-huadu-auto", "广州市花都区汽车产业集群升级示范区", "广州市", "花都区", "汽车"),
    _z(2, "gd-guangzhou-shiling-leather", "广州花都狮岭皮具产业集群升级示范区", "广州市", "花都区狮岭镇", "皮具"),
    _z(3, "gd-shenzhen-luohu-jewelry", "深圳市罗湖区黄金珠宝产业集群升级示范区", "深圳市", "罗湖区", "黄金珠宝"),
    _z(4, "gd-shantou-chenghai-toys", "汕头市澄海区玩具礼品产业集群升级示范区", "汕头市", "澄海区", "玩具礼品"),
    _z(5, "gd-shantou-waisha-knitwear", "汕头龙湖外砂潮式工艺毛织服装产业集群升级示范区", "汕头市", "龙湖区外砂镇",
       "潮式工艺毛织服装"),
    _z(6, "gd-foshan-chancheng-ceramics", "佛山市禅城区陶瓷产业集群升级示范区", "佛山市", "禅城区", "陶瓷"),
    _z(7, "gd-foshan-shunde-appliances", "佛山市顺德区家电产业集群升级示范区", "佛山市", "顺德区", "家电"),
    _z(8, "gd-foshan-xiqiao-textiles", "佛山市南海区西樵镇纺织产业集群升级示范区", "佛山市", "南海区西樵镇", "纺织"),
    _z(9, "gd-foshan-dali-nonferrous", "佛山市南海区大沥镇有色金属产业集群升级示范区", "佛山市", "南海区大沥镇", "有色金属"),
    _z(10, "gd-foshan-danzao-hardware", "佛山南海丹灶小五金产业集群升级示范区", "佛山市", "南海区丹灶镇", "小五金"),
    _z(11, "gd-foshan-shishan-appliances", "佛山南海狮山家电产业集群升级示范区", "佛山市", "南海区狮山镇", "家电"),
    _z(12, "gd-huizhou-huidong-shoes", "惠州惠东女鞋产业集群升级示范区", "惠州市", "惠东县", "女鞋"),
    _z(13, "gd-shanwei-gongping-garments", "汕尾海丰公平服装产业集群升级示范区", "汕尾市", "海丰县公平镇", "服装"),
    _z(14, "gd-dongguan-shilong-electronics", "东莞市石龙镇电子信息产业集群升级示范区", "东莞市", "石龙镇", "电子信息"),
    _z(15, "gd-dongguan-dalang-knitwear", "东莞市大朗镇毛织产业集群升级示范区", "东莞市", "大朗镇", "毛织"),
    _z(16, "gd-dongguan-humen-garments", "东莞虎门服装产业集群升级示范区", "东莞市", "虎门镇", "服装"),
    _z(17, "gd-dongguan-changan-moulds", "东莞长安五金模具产业集群升级示范区", "东莞市", "长安镇", "五金模具"),
    _z(18, "gd-dongguan-dalingshan-furniture", "东莞大岭山家具产业集群升级示范区", "东莞市", "大岭山镇", "家具"),
    _z(19, "gd-zhongshan-xiaolan-hardware", "中山市小榄镇五金制品产业集群升级示范区", "中山市", "小榄镇", "五金制品"),
    _z(20, "gd-zhongshan-guzhen-lighting", "中山市古镇灯饰产业集群升级示范区", "中山市", "古镇镇", "灯饰"),
    _z(21, "gd-zhongshan-nantou-appliances", "中山南头家用电器产业集群升级示范区", "中山市", "南头镇", "家用电器"),
    _z(22, "gd-zhongshan-shaxi-casualwear", "中山沙溪休闲服装产业集群升级示范区", "中山市", "沙溪镇", "休闲服装"),
    _z(23, "gd-zhongshan-huangpu-food", "中山黄圃食品加工产业集群升级示范区", "中山市", "黄圃镇", "食品加工"),
    _z(24, "gd-zhongshan-torch-health", "中山火炬健康食品、医药产业集群升级示范区", "中山市", "火炬开发区", "健康食品、医药"),
    _z(25, "gd-zhongshan-dongfeng-appliances", "中山东凤小家电产业集群升级示范区", "中山市", "东凤镇", "小家电"),
    _z(26, "gd-jiangmen-motorcycles", "江门市摩托车产业集群升级示范区", "江门市", "", "摩托车"),
    _z(27, "gd-jiangmen-kaiping-sanitary", "江门开平水暖卫浴产业集群升级示范区", "江门市", "开平市", "水暖卫浴"),
    _z(28, "gd-jiangmen-xinhui-stainless", "江门新会五金不锈钢制品产业集群升级示范区", "江门市", "新会区", "五金不锈钢制品"),
    _z(29, "gd-jiangmen-enping-microphones", "江门恩平麦克风及电声器材产业集群升级示范区", "江门市", "恩平市",
       "麦克风及电声器材"),
    _z(30, "gd-yangjiang-yangdong-cutlery", "阳江市阳东县五金刀剪产业集群升级示范区", "阳江市", "阳东县", "五金刀剪"),
    _z(31, "gd-zhanjiang-lianjiang-appliances", "湛江市廉江九洲江开发区小家电产业集群升级示范区", "湛江市",
       "廉江市九洲江开发区", "小家电"),
    _z(32, "gd-chaozhou-ceramics", "潮州市陶瓷产业集群升级示范区", "潮州市", "", "陶瓷"),
    _z(33, "gd-chaozhou-anbu-food", "潮州潮安庵埠食品产业集群升级示范区", "潮州市", "潮安庵埠镇", "食品"),
    _z(34, "gd-jieyang-rongcheng-shoes", "揭阳榕城制鞋产业集群升级示范区", "揭阳市", "榕城区", "制鞋"),
    _z(35, "gd-yunfu-stone", "云浮石材产业集群升级示范区", "云浮市", "", "石材"),
    _z(36, "gd-yunfu-xinxing-stainless", "云浮新兴不锈钢制品产业集群升级示范区", "云浮市", "新兴县", "不锈钢制品"),
)

BY_KEY: dict[str, Zone] = {z.key: z for z in ZONES}
CITIES: tuple[str, ...] = tuple(dict.fromkeys(z.city for z in ZONES))


def zone(key: str) -> Zone | None:
    return BY_KEY.get(key)
