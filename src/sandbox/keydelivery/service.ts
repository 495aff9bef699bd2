/**
 * The fake KeyDelivery server: create tracking (webhook subscription), realtime
 * tracking and carrier detection, each behind the signed envelope of ./envelope.ts.
 */
import type { Outcome, Reply } from '../http/reply';
import { fieldText, isHttpUrl } from '../http/request';
import type { FakeService, Handler } from '../http/server';
import { isKnownCarrier, type KeyDeliveryFake } from './fake';
import { openEnvelope } from './envelope';
import { renderKeyDeliveryRealtime } from './render';
import { keyDeliveryError, keyDeliveryFaultReplies, keyDeliveryOk } from './replies';

type Body = Record<string, unknown>;

export function keyDeliveryService(fake: KeyDeliveryFake): FakeService {
	return {
		provider: 'keydelivery',
		faultReplies: keyDeliveryFaultReplies,
		routes: {
			'/api/v1/tracking/create': opened(fake, answerCreateTracking),
			'/api/v1/tracking/realtime': opened(fake, answerRealtime),
			'/api/v1/carriers/detect': opened(fake, answerDetectCarrier),
		},
	};
}

/** A handler that only sees bodies whose envelope (headers, signature, account) is in order. */
function opened(fake: KeyDeliveryFake, answer: (fake: KeyDeliveryFake, body: Body) => Reply): Handler {
	return (request) => {
		const envelope = openEnvelope(fake, request);
		return envelope.refused ? envelope.refused : answer(fake, envelope.ok);
	};
}

/** carrier_id, then tracking_number, must not be blank. */
function readTrackingTarget(body: Body): Outcome<{ carrierId: string; trackingNumber: string }> {
	const carrierId = fieldText(body.carrier_id);
	if (!carrierId) return { refused: keyDeliveryError(105, '[carrier_id] must not be blank') };
	const trackingNumber = fieldText(body.tracking_number);
	if (!trackingNumber) return { refused: keyDeliveryError(105, '[tracking_number] must not be blank') };
	return { ok: { carrierId, trackingNumber } };
}

function answerCreateTracking(fake: KeyDeliveryFake, body: Body): Reply {
	const target = readTrackingTarget(body);
	if (target.refused) return target.refused;
	const { carrierId, trackingNumber } = target.ok;
	const webhookUrl = fieldText(body.webhook_url);
	if (!webhookUrl) return keyDeliveryError(105, '[webhook_url] must not be blank');
	if (!isHttpUrl(webhookUrl)) return keyDeliveryError(105, '[webhook_url] is invalid');
	if (!isKnownCarrier(fake, carrierId)) return keyDeliveryError(405);
	if (fake.world.isSubscribed('keydelivery', carrierId, trackingNumber)) return keyDeliveryError(60201);
	const phone = fieldText(body.phone);
	fake.world.subscriptions.push({
		provider: 'keydelivery',
		carrier: carrierId,
		trackingNumber,
		callbackUrl: webhookUrl,
		areaShow: fieldText(body.area_show) === '1',
		...(phone ? { phone } : {}),
		createdAt: fake.world.now().toISOString(),
		request: body,
	});
	return keyDeliveryOk();
}

function answerRealtime(fake: KeyDeliveryFake, body: Body): Reply {
	const target = readTrackingTarget(body);
	if (target.refused) return target.refused;
	const { carrierId, trackingNumber } = target.ok;
	if (!isKnownCarrier(fake, carrierId)) return keyDeliveryError(405);
	const shipment = fake.world.findShipment('keydelivery', carrierId, trackingNumber);
	const visible = shipment ? fake.world.visibleCount(shipment) : 0;
	if (!shipment || visible === 0) return keyDeliveryError(60101);
	const areaShow = fieldText(body.area_show) === '1';
	return keyDeliveryOk(renderKeyDeliveryRealtime(shipment, { visible, areaShow, order: fieldText(body.order), carrierId }));
}

function answerDetectCarrier(fake: KeyDeliveryFake, body: Body): Reply {
	const trackingNumber = fieldText(body.tracking_number);
	if (!trackingNumber) return keyDeliveryError(105, '[tracking_number] must not be blank');
	const candidates = fake.world.guessCarriers('keydelivery', trackingNumber);
	if (candidates.length === 0) return keyDeliveryError(406);
	return keyDeliveryOk(candidates.map((id) => ({ carrier_id: id, carrier_name: fake.carriers[id.toLowerCase()] ?? id })));
}
