// The browser's location, as a promise of {lat, long, accuracy}.
import { t } from './i18n.js';

export function here({ timeout = 15000 } = {}) {
  return new Promise((resolve, reject) => {
    if (!navigator.geolocation) {
      reject(new Error(t('This browser cannot tell where you are. Tap the map instead.')));
      return;
    }
    navigator.geolocation.getCurrentPosition(
      (position) => resolve({ lat: position.coords.latitude, long: position.coords.longitude,
                              accuracy: position.coords.accuracy }),
      (error) => reject(new Error(error.code === 1
        ? t('Location is not allowed for this site. Tap the map instead, or allow it in the browser.')
        : t('Your location could not be found. Tap the map instead.'))),
      { enableHighAccuracy: true, timeout, maximumAge: 30000 });
  });
}
